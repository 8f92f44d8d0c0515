package org.spacetime.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The four ONNX Runtime sessions of a package on one execution provider, each checked against the
 * manifest (input/output names, dtypes, ranks) before any generation.
 */
public final class ModelSessions implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ModelSessions.class);

    public enum Role { TEXT_ENCODER, DENOISER, VAE_ENCODER, VAE_DECODER }

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final EnumMap<Role, OrtSession> sessions = new EnumMap<>(Role.class);
    /**
     * Made on first use (get), on the generation thread: the encoder, which only conditioning tasks
     * (extension, image, connect, restyle) need; text to video starts without loading it.
     */
    private final EnumSet<Role> deferred = EnumSet.of(Role.VAE_ENCODER);
    private final ModelPackage pkg;
    private final int threads;
    private final Device device;
    private final List<OrtSession> denoiserLanes = new ArrayList<>();
    private final OptimizedGraphCache graphs;
    private boolean closed;

    ModelSessions(ModelPackage pkg, Device requested, int threads) {
        this(pkg, requested, threads, OptimizedGraphCache.standard());
    }

    ModelSessions(ModelPackage pkg, Device requested, int threads, OptimizedGraphCache graphs) {
        this.pkg = pkg;
        this.threads = threads;
        this.graphs = graphs;
        OnnxRuntimeTempDirectory.removeIfUnused();
        Device used = requested;
        if (requested != Device.CPU && !OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            noCuda(requested, "this ONNX Runtime build has no CUDA provider (the GPU build is installed where "
                    + "nvidia-smi lists a GPU)");
            used = Device.CPU;
        }
        // Creating a session (loading and optimising its graph) is most of a model's load time and
        // runs on one thread, so sessions are made side by side. Where CUDA may start, the first one
        // is made alone: it tells whether it does.
        LoadingThreads makers = new LoadingThreads("session-maker", Math.min(4, Runtime.getRuntime().availableProcessors()));
        try {
            if (used != Device.CPU) {
                OrtSession first;
                try {
                    first = create(pkg, name(Role.TEXT_ENCODER), used, threads);
                } catch (CudaUnavailable e) {
                    noCuda(requested, e.getMessage());
                    used = Device.CPU;
                    first = createOnCpu(pkg, name(Role.TEXT_ENCODER), threads);
                }
                sessions.put(Role.TEXT_ENCODER, first);
            }
            Device device = used;
            SessionWarmUp warmUp = new SessionWarmUp(pkg.manifest());
            // The two halves of a guidance pair run side by side on CPU, batch-1 runs of half the
            // threads each: 10 % faster on 2 cores than one batch-2 run whose every operator is
            // split over both threads and synchronised (RuntimeBenchmark). ONNX Runtime runs one
            // session from several threads at once, so with an even thread count both halves share
            // one session (one graph fewer to load and hold). Unguided steps run on the first lane:
            // a second denoiser session of all the threads was barely faster (9.3 against 10.2 ms a
            // step at 64x64 on 2 cores) and took 0.3 s of CPU to make at start-up. The lanes, the
            // longest to make, are submitted first.
            List<Future<OrtSession>> lanes = new ArrayList<>();
            boolean sideBySide = used == Device.CPU && threads >= 2;
            if (sideBySide) {
                int laneCount = threads % 2 == 0 ? 1 : 2;
                for (int lane = 0; lane < laneCount; lane++) {
                    int laneThreads = lane == 0 ? threads / 2 : threads - threads / 2;
                    lanes.add(makers.submit(() -> warmed(warmUp, "denoiser", createOnCpu(pkg, "denoiser", laneThreads))));
                }
            }
            Map<Role, Future<OrtSession>> rest = new EnumMap<>(Role.class);
            for (Role role : Role.values()) {
                if (!sessions.containsKey(role) && !deferred.contains(role) && !(sideBySide && role == Role.DENOISER)) {
                    rest.put(role, makers.submit(() -> warmed(warmUp, name(role), createFallingBack(pkg, name(role), device, threads))));
                }
            }
            RuntimeException failure = null;
            for (var e : rest.entrySet()) {
                try {
                    sessions.put(e.getKey(), LoadingThreads.await(e.getValue()));
                } catch (RuntimeException ex) {
                    failure = failure == null ? ex : failure;
                }
            }
            for (Future<OrtSession> lane : lanes) {
                try {
                    denoiserLanes.add(LoadingThreads.await(lane));
                } catch (RuntimeException ex) {
                    failure = failure == null ? ex : failure;
                }
            }
            if (failure != null) {
                throw failure;
            }
            if (sideBySide) {
                sessions.put(Role.DENOISER, denoiserLanes.get(0));
                if (denoiserLanes.size() == 1) {
                    denoiserLanes.add(denoiserLanes.get(0));
                }
            }
            for (Role role : sessions.keySet()) {
                check(pkg.manifest().graphs().get(name(role)), sessions.get(role), pkg);
            }
            if (!denoiserLanes.isEmpty()) {
                LOG.debug("guidance pairs run side by side on {} and {} threads ({} denoiser session(s))",
                        threads / 2, threads - threads / 2, denoiserLanes.get(0) == denoiserLanes.get(1) ? 1 : 2);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        } finally {
            makers.close();
        }
        this.device = used == Device.AUTO ? Device.CUDA : used;
        LOG.info("model {} loaded on {} ({} made when first used)", pkg.manifest().name(), device, deferred);
    }

    private static void noCuda(Device requested, String why) {
        if (requested == Device.CUDA) {
            LOG.warn("CUDA was asked for but cannot start ({}); running on CPU", why);
        } else {
            LOG.info("CUDA not available ({}); running on CPU", why);
        }
    }

    private static String name(Role role) {
        return role.name().toLowerCase();
    }

    /** {@code session}, after one run on zeros (SessionWarmUp). */
    private OrtSession warmed(SessionWarmUp warmUp, String role, OrtSession session) {
        warmUp.run(env, role, pkg.manifest().graphs().get(role), session);
        return session;
    }

    /** A session on {@code device}, or on CPU when CUDA cannot start for it. */
    private OrtSession createFallingBack(ModelPackage pkg, String role, Device device, int threads) {
        try {
            return create(pkg, role, device, threads);
        } catch (CudaUnavailable e) {
            LOG.warn("CUDA cannot start for {} ({}); it runs on CPU", role, e.getMessage());
            return createOnCpu(pkg, role, threads);
        }
    }

    private static final class CudaUnavailable extends Exception {
        CudaUnavailable(String m) {
            super(m);
        }
    }

    private OrtSession createOnCpu(ModelPackage pkg, String role, int threads) {
        try {
            return create(pkg, role, Device.CPU, threads);
        } catch (CudaUnavailable impossible) {
            throw new IllegalStateException(impossible);   // CPU sessions never ask for CUDA
        }
    }

    private OrtSession create(ModelPackage pkg, String role, Device device, int threads) throws CudaUnavailable {
        long t0 = System.nanoTime();
        if (device == Device.CPU && graphs.enabled()) {
            OrtSession s = createFromKeptGraph(pkg, role, threads);
            if (s != null) {
                LOG.debug("{} made from its kept optimised graph in {} ms", role, (System.nanoTime() - t0) / 1_000_000);
                return s;
            }
        }
        try (OrtSession.SessionOptions o = options(OrtSession.SessionOptions.OptLevel.ALL_OPT, threads, role)) {
            if (device != Device.CPU) {
                try {
                    o.addCUDA(0);
                } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                    throw new CudaUnavailable(e.getMessage());
                }
            }
            OrtSession s = env.createSession(pkg.file(role).toString(), o);
            LOG.debug("{} made in {} ms", role, (System.nanoTime() - t0) / 1_000_000);
            return s;
        } catch (OrtException e) {
            throw new InvalidModelPackageException("cannot load " + pkg.file(role) + " (role " + role
                    + "): ONNX Runtime says: " + e.getMessage() + "; the file may be truncated or not an ONNX model", e);
        }
    }

    /**
     * A CPU session from the graph ONNX Runtime optimised on an earlier load (OptimizedGraphCache),
     * optimising and keeping it first where none is kept; null where none can be kept (a huge graph,
     * an unwritable cache, a graph ONNX Runtime cannot read): the caller then loads the package's
     * graph as it is, and reports the last.
     */
    private OrtSession createFromKeptGraph(ModelPackage pkg, String role, int threads) {
        Path source = pkg.file(role);
        try {
            if (Files.size(source) > OptimizedGraphCache.MAX_SOURCE_BYTES) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        String digest = pkg.manifest().graphs().get(role).sha256(), version = env.getVersion();
        var kept = graphs.find(digest, version, "cpu");
        if (kept.isEmpty()) {
            kept = graphs.keep(digest, version, "cpu", target -> {
                try (OrtSession.SessionOptions o = options(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT, threads, role)) {
                    o.setOptimizedModelFilePath(target.toString());
                    env.createSession(source.toString(), o).close();
                }
            });
        }
        if (kept.isEmpty()) {
            return null;
        }
        // Loaded at the full level: the layout optimisations, left out of the kept graph because
        // they depend on this CPU, are applied now. A graph they cannot change is final as kept:
        // loaded with ONNX Runtime's passes off (LayoutFreeGraph), the same graph and kernels.
        OrtSession.SessionOptions.OptLevel level = LayoutFreeGraph.test(kept.get())
                ? OrtSession.SessionOptions.OptLevel.NO_OPT : OrtSession.SessionOptions.OptLevel.ALL_OPT;
        try (OrtSession.SessionOptions o = options(level, threads, role)) {
            return env.createSession(kept.get().toString(), o);
        } catch (OrtException e) {
            LOG.warn("ONNX Runtime refused the kept optimised graph {} ({}); removed, the package's graph is used",
                    kept.get(), e.getMessage());
            graphs.discard(kept.get());
            return null;
        }
    }

    private OrtSession.SessionOptions options(OrtSession.SessionOptions.OptLevel level, int threads, String role)
            throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        try {
            o.setOptimizationLevel(level);
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            // Each session has its own intra-op threads, which spin for a while after a run by
            // default: on 2 cores they then steal the CPU from the next session (the decoder after
            // the denoiser ran 30 % slower). Spinning during a run is kept.
            o.addConfigEntry("session.force_spinning_stop", "1");
            if (role.equals(name(Role.VAE_ENCODER)) || role.equals(name(Role.VAE_DECODER))) {
                // The autoencoder's activations are large (33 frames at full size): with a memory
                // pattern, its second run allocates the planned block anew and pays the page faults
                // of fresh memory again (the decoder: 105, 98, then 35 ms a run; without: 105, 35, 35).
                o.setMemoryPatternOptimization(false);
            }
            return o;
        } catch (OrtException | RuntimeException e) {
            o.close();
            throw e;
        }
    }

    private static void check(GraphSpec spec, OrtSession s, ModelPackage pkg) {
        try {
            compare(spec, "input", spec.inputs(), s.getInputInfo(), pkg);
            compare(spec, "output", spec.outputs(), s.getOutputInfo(), pkg);
        } catch (OrtException e) {
            throw new InvalidModelPackageException("cannot inspect " + spec.file() + ": " + e.getMessage(), e);
        }
    }

    private static void compare(GraphSpec spec, String kind, java.util.List<GraphSpec.Tensor> declared,
                                Map<String, NodeInfo> actual, ModelPackage pkg) {
        Map<String, NodeInfo> in = new LinkedHashMap<>(actual);
        for (GraphSpec.Tensor t : declared) {
            NodeInfo n = in.get(t.name());
            if (n == null) {
                throw new InvalidModelPackageException(pkg.directory().resolve(spec.file()) + ": " + kind + " '" + t.name()
                        + "' declared in model.json is not in the graph; the graph has " + in.keySet());
            }
            TensorInfo ti = (TensorInfo) n.getInfo();
            String dtype = ti.type == OnnxJavaType.FLOAT ? "float32" : ti.type == OnnxJavaType.INT64 ? "int64"
                    : ti.type.toString().toLowerCase();
            if (!dtype.equals(t.dtype()) || ti.getShape().length != t.rank()) {
                throw new InvalidModelPackageException(pkg.directory().resolve(spec.file()) + ": " + kind + " '"
                        + t.name() + "' is " + dtype + " of rank " + ti.getShape().length + "; model.json expects "
                        + t.dtype() + " of rank " + t.rank());
            }
        }
    }

    /** The session of {@code role}, made now if it was deferred (a malformed graph fails here then). */
    public synchronized OrtSession get(Role role) {
        OrtSession s = sessions.get(role);
        if (s == null && deferred.contains(role)) {
            if (closed) {
                throw new IllegalStateException("the model's sessions are closed");
            }
            long t0 = System.nanoTime();
            s = createFallingBack(pkg, name(role), device, threads);
            try {
                check(pkg.manifest().graphs().get(name(role)), s, pkg);
            } catch (RuntimeException e) {
                closeQuietly(s);
                throw e;
            }
            sessions.put(role, s);
            LOG.debug("{} made on first use in {} ms", name(role), (System.nanoTime() - t0) / 1_000_000);
        }
        return s;
    }

    /**
     * The denoiser sessions that run the conditional and unconditional halves of a guidance pair at
     * the same time, on CPU with 2 or more threads (one session twice where the thread count is
     * even; the first is also {@code get(DENOISER)}, for unguided steps); empty otherwise (a GPU
     * runs the batch of two best as one).
     */
    List<OrtSession> denoiserLanes() {
        return denoiserLanes;
    }

    public OrtEnvironment env() {
        return env;
    }

    public Device device() {
        return device;
    }

    @Override
    public synchronized void close() {
        closed = true;
        Set<OrtSession> all = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        all.addAll(sessions.values());
        all.addAll(denoiserLanes);        // the two lanes may be one session
        all.forEach(ModelSessions::closeQuietly);
        sessions.clear();
        denoiserLanes.clear();
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException e) {
            LOG.warn("closing session: {}", e.getMessage());
        }
    }
}
