package org.spacetime.models;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A loaded model package: its ONNX Runtime sessions and tokenizer. Loaded once per (package,
 * device) in the process and shared by every user; {@link #close} releases one reference.
 */
public final class VideoModel implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(VideoModel.class);
    private static final Map<String, VideoModel> CACHE = new HashMap<>();

    private final String key;
    private final ModelPackage pkg;
    private final ModelSessions sessions;
    private final PromptEncoder prompts;
    private int references;

    private VideoModel(String key, ModelPackage pkg, Device device, int threads) {
        this.key = key;
        this.pkg = pkg;
        this.sessions = new ModelSessions(pkg, device, threads);
        PromptEncoder p;
        try {
            p = new PromptEncoder(pkg);
        } catch (RuntimeException e) {
            sessions.close();
            throw e;
        }
        this.prompts = p;
    }

    /** The shared model for {@code directory} on {@code device}, validated before first use. */
    public static VideoModel load(Path directory, Device device) {
        return load(directory, device, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    public static synchronized VideoModel load(Path directory, Device device, int threads) {
        ModelPackage pkg = ModelPackage.open(directory);
        String key = pkg.directory() + "|" + device + "|" + threads;
        VideoModel m = CACHE.get(key);
        if (m == null) {
            m = new VideoModel(key, pkg, device, threads);
            CACHE.put(key, m);
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

    PromptEncoder prompts() {
        return prompts;
    }

    @Override
    public void close() {
        synchronized (VideoModel.class) {
            if (--references > 0) {
                return;
            }
            CACHE.remove(key);
        }
        LOG.debug("releasing model {}", key);
        prompts.close();
        sessions.close();
    }
}
