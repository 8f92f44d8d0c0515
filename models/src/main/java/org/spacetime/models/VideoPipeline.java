package org.spacetime.models;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * The whole generation flow, top to bottom:
 * <ol>
 * <li>check the request and fill defaults from the manifest;</li>
 * <li>encode prompt and negative prompt (batched, for classifier-free guidance);</li>
 * <li>encode the given frames to clean latents and mark which latent frames they fix;</li>
 * <li>start from seeded noise and integrate the flow: each step runs the denoiser on the
 *     [conditional, unconditional] pair (one batch, or on CPU two runs side by side), mixes the
 *     velocities by the guidance, and lets the scheduler step; outside the guidance interval the
 *     conditional half runs alone; given latent frames stay clean (timestep 0);</li>
 * <li>decode the latents and put the given frames back exactly.</li>
 * </ol>
 * Latent tensors are (C, T, h, w) floats for batch 1; native tensors are closed per call and the
 * direct buffers behind them are reused through the model's pool.
 */
public final class VideoPipeline {
    private final VideoModel model;
    private final Manifest m;

    public VideoPipeline(VideoModel model) {
        this.model = model;
        this.m = model.manifest();
    }

    Manifest manifest() {
        return m;
    }

    ModelSessions sessions() {
        return model.sessions();
    }

    PromptEncoder prompts() {
        return model.prompts();
    }

    ReentrantLock windowLock() {
        return model.windowLock();
    }

    public Video generate(GenerationRequest request) {
        try (Cancellation c = new Cancellation()) {
            return generate(request, ProgressListener.NONE, c);
        }
    }

    public Video generate(GenerationRequest request, ProgressListener progress, Cancellation cancel) {
        GenerationRequest r = request.resolved(m);
        model.windowLock().lock();
        try {
            PromptEncoder.Embeddings text = model.prompts().encode(model.sessions(), r.prompt(), r.negativePrompt());
            if (r.task() == Task.LOOP) {
                return loop(r, text, progress, cancel);
            }
            Latents lat = plan(r);
            denoise(lat, r, text, 0, progress, cancel, noise(lat, r.seed()));
            Video out = decode(lat.values, lat.frames, r.width(), r.height(), true).slice(0, r.frames());
            return keepGiven(out, r);
        } catch (OrtException e) {
            if (cancel.isCancelled()) {
                throw new Cancellation.CancelledException();
            }
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            model.windowLock().unlock();
        }
    }

    /** Latents being denoised and which latent frames are given clean. */
    static final class Latents {
        final int channels, frames, height, width;
        final float[] values, clean;
        final boolean[] given;

        Latents(int c, int t, int h, int w) {
            channels = c; frames = t; height = h; width = w;
            values = new float[c * t * h * w];
            clean = new float[values.length];
            given = new boolean[t];
        }

        int frameSize() {
            return height * width;
        }

        /** Copies latent frames [0, n) of src (same C, h, w) into frames [at, at + n). */
        void setClean(float[] src, int srcFrames, int from, int n, int at) {
            for (int c = 0; c < channels; c++) {
                System.arraycopy(src, (c * srcFrames + from) * frameSize(), clean, (c * frames + at) * frameSize(),
                        n * frameSize());
            }
            for (int i = at; i < at + n; i++) {
                given[i] = true;
            }
        }
    }

    Latents plan(GenerationRequest r) throws OrtException {
        int t = m.latentFramesFor(r.frames());
        Latents lat = new Latents(m.latentChannels(), t, r.height() / m.spatialFactor(), r.width() / m.spatialFactor());
        int tf = m.temporalFactor();
        if (r.startFrames() != null && r.task() != Task.EXTEND_BACKWARD) {
            // 1 + 4k frames -> 1 + k latent frames at the start of the clip (the first frame alone).
            int n = Math.min(r.startFrames().frames(), r.frames());
            int k = Math.min((n - 1) / tf, t - 1);
            Video given = r.startFrames().slice(0, 1 + k * tf).resize(r.width(), r.height());
            float[] z = encode(given);
            lat.setClean(z, 1 + k, 0, 1 + k, 0);
        }
        if (r.endFrames() != null) {
            // 4k frames -> k block latent frames at the end: encode [f0, f0..f4k-1] and drop latent 0.
            int k = Math.min(r.endFrames().frames() / tf, t - 1 - countGiven(lat));
            if (k < 1) {
                throw new IllegalArgumentException("endFrames needs at least " + tf + " frames and room in the window");
            }
            Video end = r.endFrames().slice(r.endFrames().frames() - k * tf, r.endFrames().frames())
                    .resize(r.width(), r.height());
            float[] z = encode(Video.concat(end.slice(0, 1), end));
            lat.setClean(z, 1 + k, 1, k, t - k);
        }
        if (r.task() == Task.VIDEO_TO_VIDEO) {
            java.util.Arrays.fill(lat.given, false);   // all frames are re-generated from the noised source
        }
        return lat;
    }

    private static int countGiven(Latents lat) {
        int n = 0;
        for (boolean g : lat.given) {
            n += g ? 1 : 0;
        }
        return n;
    }

    float[] noise(Latents lat, long seed) {
        Random rng = new Random(seed);
        float[] z = new float[lat.values.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) rng.nextGaussian();
        }
        return z;
    }

    /**
     * The state a window's integration starts from at noise level {@code sigma}: given frames clean,
     * the others {@code (1 - sigma) clean + sigma noise}. A window with given frames (extension,
     * connecting, image to video, a long clip's later windows) starts from noise scaled by the
     * package's scheduler.conditioned_noise_scale (spacetime_train.flow.starting_noise).
     */
    void start(Latents lat, double sigma, float[] noise) {
        double s0 = sigma * (countGiven(lat) > 0 ? m.conditionedNoiseScale() : 1), keep = 1 - sigma;
        int fs = lat.frameSize();
        for (int c = 0; c < lat.channels; c++) {
            for (int f = 0; f < lat.frames; f++) {
                for (int p = 0; p < fs; p++) {
                    int i = (c * lat.frames + f) * fs + p;
                    lat.values[i] = lat.given[f] ? lat.clean[i] : (float) (keep * lat.clean[i] + s0 * noise[i]);
                }
            }
        }
    }

    /** Integrates the flow from noise; noise may be supplied (golden tests feed PyTorch's). */
    void denoise(Latents lat, GenerationRequest r, PromptEncoder.Embeddings text, int window, ProgressListener progress,
                 Cancellation cancel, float[] noise) throws OrtException {
        FlowScheduler scheduler = FlowScheduler.create(r.sampler());
        scheduler.setTimesteps(r.steps(), m.shift());
        double[] sigmas = scheduler.sigmas();
        int first = 0;
        if (r.task() == Task.VIDEO_TO_VIDEO) {
            while (first < r.steps() && sigmas[first] > r.strength()) {
                first++;
            }
        }
        start(lat, sigmas[first], noise);
        int fs = lat.frameSize();
        int n = lat.values.length;
        float[] v = new float[n];
        // Inputs and the pinned output live in direct buffers that ONNX Runtime reads and writes in
        // place: no tensor copies and no garbage per step. A guided step runs the batch of two
        // [conditional, unconditional], or on CPU its two halves side by side on the two lane
        // sessions; an unguided one runs the first half alone.
        DirectBufferPool pool = model.buffers();
        FloatBuffer batch = pool.borrow(2 * n), ts = pool.borrow(2 * lat.frames), velocity = pool.borrow(2 * n);
        OrtSession denoiser = model.sessions().get(ModelSessions.Role.DENOISER);
        List<OrtSession> lanes = model.sessions().denoiserLanes();
        // Only the tensors this device uses: the batch of two, or the unconditional half for lane 1.
        try (DenoiserInputs conditional = new DenoiserInputs(1, 0, lat, text, batch, ts, velocity);
             DenoiserInputs pair = lanes.isEmpty() ? new DenoiserInputs(2, 0, lat, text, batch, ts, velocity) : null;
             DenoiserInputs unconditional = lanes.isEmpty() ? null : new DenoiserInputs(1, 1, lat, text, batch, ts, velocity)) {
            for (int step = first; step < r.steps(); step++) {
                cancel.check();
                boolean guided = sigmas[step] > r.guidanceFrom() && sigmas[step] <= r.guidanceTo();
                batch.put(0, lat.values);
                if (guided) {
                    batch.put(n, lat.values);
                }
                for (int f = 0; f < lat.frames; f++) {
                    float sigma = lat.given[f] ? 0f : (float) sigmas[step];
                    ts.put(f, sigma).put(lat.frames + f, sigma);
                }
                long t0 = OrtTimer.start();
                try {
                    if (!guided) {
                        conditional.run(denoiser, cancel);
                    } else if (lanes.isEmpty()) {
                        pair.run(denoiser, cancel);
                    } else {
                        runSideBySide(lanes, conditional, unconditional, cancel);
                    }
                } finally {
                    OrtTimer.stop(t0);
                }
                if (guided) {
                    float g = (float) r.guidance();
                    for (int i = 0; i < n; i++) {
                        float vc = velocity.get(i), vu = velocity.get(n + i);
                        v[i] = vu + g * (vc - vu);
                    }
                } else {
                    velocity.get(0, v);
                }
                requireFinite(v, "denoiser", "step " + (step + 1) + " of " + r.steps() + " of window " + window);
                scheduler.step(v, step, lat.values);
                for (int c = 0; c < lat.channels; c++) {
                    for (int f = 0; f < lat.frames; f++) {
                        if (lat.given[f]) {
                            int at = (c * lat.frames + f) * fs;
                            System.arraycopy(lat.clean, at, lat.values, at, fs);
                        }
                    }
                }
                progress.onStep(window, step + 1, r.steps());
            }
        } finally {
            pool.giveBack(batch, ts, velocity);
        }
    }

    /**
     * Both halves of a guidance pair at once: the conditional one on this thread and lane 0, the
     * unconditional one on a lane thread and lane 1. Returns only when both are done (their buffers
     * are reused next), with the first failure.
     */
    private void runSideBySide(List<OrtSession> lanes, DenoiserInputs conditional, DenoiserInputs unconditional,
                               Cancellation cancel) throws OrtException {
        Future<Void> other = model.laneThreads().submit(() -> {
            unconditional.run(lanes.get(1), cancel);
            return null;
        });
        Throwable failure = null;
        try {
            conditional.run(lanes.get(0), cancel);
        } catch (OrtException | RuntimeException e) {
            failure = e;
        }
        boolean interrupted = false;
        while (true) {
            try {
                other.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;   // the lane writes into our buffers: wait for it, then re-interrupt
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                } else {
                    failure.addSuppressed(e.getCause());
                }
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof OrtException e) {
            throw e;
        } else if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure instanceof Error e) {
            throw e;
        }
    }

    /**
     * The denoiser's tensors for a batch of 1 or 2 over the same direct buffers: a batch of one views
     * the first (half 0, conditional) or the second half (half 1, unconditional) of them.
     */
    private final class DenoiserInputs implements AutoCloseable {
        final Map<String, OnnxTensor> inputs, outputs;

        DenoiserInputs(int b, int half, Latents lat, PromptEncoder.Embeddings text, FloatBuffer batch, FloatBuffer ts,
                       FloatBuffer velocity) throws OrtException {
            var env = model.sessions().env();
            int n = lat.values.length, textValues = text.tokens() * text.dim();
            long[] latShape = {b, lat.channels, lat.frames, lat.height, lat.width};
            List<OnnxTensor> made = new ArrayList<>();
            try {
                made.add(OnnxTensor.createTensor(env, batch.slice(half * n, b * n), latShape));
                made.add(OnnxTensor.createTensor(env, ts.slice(half * lat.frames, b * lat.frames), new long[] {b, lat.frames}));
                made.add(OnnxTensor.createTensor(env, FloatBuffer.wrap(text.values(), half * textValues, b * textValues).slice(),
                        new long[] {b, text.tokens(), text.dim()}));
                made.add(OnnxTensor.createTensor(env, LongBuffer.wrap(text.mask(), half * text.tokens(), b * text.tokens()).slice(),
                        new long[] {b, text.tokens()}));
                made.add(OnnxTensor.createTensor(env, velocity.slice(half * n, b * n), latShape));
            } catch (OrtException | RuntimeException e) {
                made.forEach(OnnxTensor::close);
                throw e;
            }
            inputs = Map.of("latents", made.get(0), "timesteps", made.get(1), "text_embeddings", made.get(2),
                    "text_mask", made.get(3));
            outputs = Map.of("velocity", made.get(4));
        }

        void run(OrtSession session, Cancellation cancel) throws OrtException {
            cancel.run(options -> {
                session.run(inputs, Set.of(), outputs, options).close();   // closes nothing pinned
                return null;
            });
        }

        @Override
        public void close() {
            inputs.values().forEach(OnnxTensor::close);
            outputs.values().forEach(OnnxTensor::close);
        }
    }

    private interface Run {
        OrtSession.Result run() throws OrtException;
    }

    private static OrtSession.Result timed(Run r) throws OrtException {
        long t0 = OrtTimer.start();
        try {
            return r.run();
        } finally {
            OrtTimer.stop(t0);
        }
    }

    /** Pixel frames -> scaled latents (C, 1 + k, h, w) with the package's scaling and shift. */
    float[] encode(Video v) throws OrtException {
        int f = v.frames(), h = v.height(), w = v.width(), hw = h * w;
        float[] x = new float[3 * f * hw];
        for (int t = 0; t < f; t++) {
            for (int p = 0; p < hw; p++) {
                for (int c = 0; c < 3; c++) {
                    x[(c * f + t) * hw + p] = (v.rgb()[(t * hw + p) * 3 + c] & 0xff) / 127.5f - 1f;
                }
            }
        }
        try (OnnxTensor in = OnnxTensor.createTensor(model.sessions().env(), FloatBuffer.wrap(x), new long[] {1, 3, f, h, w});
             OrtSession.Result res = timed(() -> model.sessions().get(ModelSessions.Role.VAE_ENCODER).run(Map.of("frames", in)))) {
            FloatBuffer out = ((OnnxTensor) res.get(0)).getFloatBuffer();
            float[] z = new float[out.remaining()];
            out.get(z);
            float shift = (float) m.shiftFactor(), scale = (float) m.scalingFactor();
            for (int i = 0; i < z.length; i++) {
                z[i] = (z[i] - shift) * scale;
            }
            requireFinite(z, "vae_encoder", f + " frames");
            return z;
        }
    }

    /**
     * Scaled latents (C, T, h, w) -> frames. A clip that starts at latent 0 drops the decoder's first
     * temporal_factor - 1 frames (they repeat frame 0); a continuation keeps all 4 per latent.
     */
    Video decode(float[] latents, int t, int width, int height, boolean clipStart) throws OrtException {
        float[] z = new float[latents.length];
        float shift = (float) m.shiftFactor(), scale = (float) m.scalingFactor();
        for (int i = 0; i < z.length; i++) {
            z[i] = latents[i] / scale + shift;
        }
        var env = model.sessions().env();
        int all = t * m.temporalFactor(), skip = clipStart ? m.temporalFactor() - 1 : 0, hw = width * height;
        DirectBufferPool pool = model.buffers();
        FloatBuffer out = pool.borrow(3 * all * hw);
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(z),
                     new long[] {1, m.latentChannels(), t, height / m.spatialFactor(), width / m.spatialFactor()});
             OnnxTensor pinned = OnnxTensor.createTensor(env, out, new long[] {1, 3, all, height, width})) {
            long t0 = OrtTimer.start();
            try {
                model.sessions().get(ModelSessions.Role.VAE_DECODER).run(Map.of("latents", in), Map.of("frames", pinned)).close();
            } finally {
                OrtTimer.stop(t0);
            }
        }
        int frames = all - skip;
        byte[] rgb = new byte[frames * hw * 3];
        try {
            float sum = 0;   // NaN or infinite if any value is: checked once, not per pixel
            for (int c = 0; c < 3; c++) {
                for (int f = 0; f < frames; f++) {
                    int base = (c * all + f + skip) * hw;
                    for (int p = 0, o = f * hw * 3 + c; p < hw; p++, o += 3) {
                        float x = out.get(base + p);
                        sum += x;
                        // [-1, 1] -> [0, 255], rounded half up (the value is non-negative after the clamp)
                        float val = Math.max(0f, Math.min(255f, (x + 1f) * 127.5f));
                        rgb[o] = (byte) (int) (val + 0.5f);
                    }
                }
            }
            requireFinite(new float[] {sum}, "vae_decoder", t + " latent frames");
        } finally {
            pool.giveBack(out);
        }
        return new Video(frames, width, height, rgb);
    }

    /**
     * A graph that returns NaN or infinite values is broken (or was given a broken package's
     * scale): stop with an error naming it instead of writing black or garbage frames.
     */
    private static void requireFinite(float[] values, String role, String where) {
        float sum = 0;
        for (float x : values) {
            sum += x * 0f;   // 0 for every finite value, NaN for NaN and for an infinity
        }
        if (Float.isNaN(sum)) {
            throw new InvalidModelPackageException("the model's " + role + " graph returned NaN or infinite values ("
                    + where + "); the model package is broken");
        }
    }

    /** Puts the given frames back, bit-exact at the request's size. */
    Video keepGiven(Video out, GenerationRequest r) {
        byte[] rgb = out.rgb();
        if (r.startFrames() != null && r.task() != Task.VIDEO_TO_VIDEO && r.task() != Task.EXTEND_BACKWARD) {
            Video s = r.startFrames().resize(r.width(), r.height());
            int n = Math.min(s.frames(), out.frames());
            System.arraycopy(s.rgb(), 0, rgb, 0, n * out.frameBytes());
        }
        if (r.endFrames() != null) {
            Video e = r.endFrames().resize(r.width(), r.height());
            int n = Math.min(e.frames(), out.frames());
            System.arraycopy(e.rgb(), (e.frames() - n) * e.frameBytes(), rgb, (out.frames() - n) * out.frameBytes(),
                    n * out.frameBytes());
        }
        return out;
    }

    /** A seamless loop: a clip A, then a bridge generated from A's end back to A's start. */
    /** Latent frames of a loop's clip that its bridge overlaps at each end. */
    private static int loopOverlap(int frames, int tf) {
        return Math.max(1, (frames - 1) / tf / 3);
    }

    /** Frames of the seamless loop made from a request for {@code frames}: the clip, then the bridge's middle. */
    static int loopFrames(int frames, int tf) {
        return frames + frames - 2 * (1 + loopOverlap(frames, tf) * tf) + 1;
    }

    private Video loop(GenerationRequest r, PromptEncoder.Embeddings text, ProgressListener progress, Cancellation cancel)
            throws OrtException {
        GenerationRequest first = new GenerationRequest(Task.TEXT_TO_VIDEO, r.prompt(), r.negativePrompt(), r.seed(),
                r.steps(), r.guidance(), r.sampler(), r.width(), r.height(), r.frames(), null, null, 0,
                r.guidanceFrom(), r.guidanceTo());
        Latents a = plan(first);
        denoise(a, first, text, 0, progress, cancel, noise(a, r.seed()));
        Video clip = decode(a.values, a.frames, r.width(), r.height(), true);
        int tf = m.temporalFactor(), k = loopOverlap(clip.frames(), tf);
        GenerationRequest bridge = new GenerationRequest(Task.CONNECT, r.prompt(), r.negativePrompt(), r.seed() + 1,
                r.steps(), r.guidance(), r.sampler(), r.width(), r.height(), r.frames(),
                clip.slice(clip.frames() - (1 + k * tf), clip.frames()), clip.slice(0, k * tf), 0, r.guidanceFrom(),
                r.guidanceTo());
        Latents b = plan(bridge);
        denoise(b, bridge, text, 1, progress, cancel, noise(b, r.seed() + 1));
        Video middle = decode(b.values, b.frames, r.width(), r.height(), true);
        // The bridge starts with A's last frames and ends with A's first ones: keep what lies between.
        return Video.concat(clip, middle.slice(1 + k * tf, middle.frames() - k * tf));
    }
}
