package org.spacetime.models;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A loaded model package: its ONNX Runtime sessions and tokenizer. Loaded once per (package,
 * device) in the process and shared by every user; {@link #close} releases one reference.
 */
public final class VideoModel implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(VideoModel.class);
    private static final Map<String, VideoModel> CACHE = new HashMap<>();
    /**
     * The last model nobody uses any more, kept loaded: a pipeline that goes NULL -> PLAYING again
     * (editors do this all the time) does not pay for new sessions, and ONNX Runtime's freed arenas
     * do not pile up in the process. Replaced when another model is released.
     */
    private static VideoModel idle;

    private final String key;
    private final ModelPackage pkg;
    private final ModelSessions sessions;
    private final PromptEncoder prompts;
    private final DirectBufferPool buffers = new DirectBufferPool();
    /**
     * Held while a window (or a whole clip) is made: one at a time per model. Two generations at
     * once on the shared sessions (two elements in a pipeline) gave clips unlike each alone
     * (RuntimeTest: 1 in 8 runs with package 1.0.0 under load, 3-5 in 10 with a 2.0.0 candidate),
     * and holding any one session's runs to one at a time did not stop it; where they interfere
     * inside ONNX Runtime is not found. Within a window the two halves of a guidance pair still run
     * side by side (deterministic: every golden and repeat test), and on 2 cores a second window
     * at once gained little anyway.
     */
    private final ReentrantLock windows = new ReentrantLock();
    /** Runs the second half of guidance pairs (ModelSessions.denoiserLanes); a thread per pipeline in flight. */
    private final ExecutorService laneThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "spacetime-denoiser-lane");
        t.setDaemon(true);
        return t;
    });
    private int references;

    private VideoModel(String key, ModelPackage pkg, Device device, int threads) {
        this.key = key;
        this.pkg = pkg;
        long t0 = System.nanoTime();
        // The tokenizer is read while the sessions are made (one the library reads loads its native library).
        try (LoadingThreads reader = new LoadingThreads("tokenizer-reader", 1)) {
            Future<PromptEncoder> tokenizer = reader.submit(() -> new PromptEncoder(pkg));
            try {
                this.sessions = new ModelSessions(pkg, device, threads);
            } catch (RuntimeException e) {
                closeWhenRead(tokenizer);
                laneThreads.shutdown();
                throw e;
            }
            try {
                this.prompts = LoadingThreads.await(tokenizer);
            } catch (RuntimeException e) {
                sessions.close();
                laneThreads.shutdown();
                throw e;
            }
        }
        LOG.debug("sessions and tokenizer made in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    /** The tokenizer read for a model whose sessions failed is closed, not leaked. */
    private static void closeWhenRead(Future<PromptEncoder> tokenizer) {
        try {
            LoadingThreads.await(tokenizer).close();
        } catch (RuntimeException alsoFailed) {
            LOG.debug("the tokenizer failed too: {}", alsoFailed.getMessage());  // the sessions' failure is reported
        }
    }

    /** The shared model for {@code directory} on {@code device}, validated before first use. */
    public static VideoModel load(Path directory, Device device) {
        return load(directory, device, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    public static synchronized VideoModel load(Path directory, Device device, int threads) {
        long t0 = System.nanoTime();
        ModelPackage pkg = ModelPackage.open(directory);
        LOG.debug("package {} read and verified in {} ms", directory, (System.nanoTime() - t0) / 1_000_000);
        String key = pkg.directory() + "|" + device + "|" + threads;
        VideoModel m = CACHE.get(key);
        if (m == null) {
            m = new VideoModel(key, pkg, device, threads);
            CACHE.put(key, m);
        }
        if (idle == m) {
            idle = null;
        }
        m.references++;
        return m;
    }

    public Manifest manifest() {
        return pkg.manifest();
    }

    public ModelPackage modelPackage() {
        return pkg;
    }

    public Device device() {
        return sessions.device();
    }

    ModelSessions sessions() {
        return sessions;
    }

    ExecutorService laneThreads() {
        return laneThreads;
    }

    DirectBufferPool buffers() {
        return buffers;
    }

    /** The lock a window holds while it runs the sessions (see {@code windows}). */
    ReentrantLock windowLock() {
        return windows;
    }

    PromptEncoder prompts() {
        return prompts;
    }

    @Override
    public void close() {
        VideoModel release;
        synchronized (VideoModel.class) {
            if (--references > 0) {
                return;
            }
            release = idle;
            idle = this;
            if (release != null) {
                CACHE.remove(release.key);
            }
        }
        if (release != null) {
            release.free();
        }
    }

    /** Frees the sessions and the tokenizer of every loaded model nobody uses (tests, shutdown). */
    public static void releaseIdle() {
        VideoModel release;
        synchronized (VideoModel.class) {
            release = idle;
            idle = null;
            if (release != null) {
                CACHE.remove(release.key);
            }
        }
        if (release != null) {
            release.free();
        }
    }

    private void free() {
        LOG.debug("releasing model {}", key);
        laneThreads.shutdown();
        prompts.close();
        sessions.close();
    }
}
