package org.spacetime.models;

import ai.onnxruntime.OrtException;

/**
 * Unbounded video as a stream of windows. The first window is an ordinary generation; each next
 * window takes the last {@code overlap} latent frames of the previous one as clean conditioning
 * and generates the rest, so frames are handed out as each window is decoded and memory stays flat
 * (only the overlap is kept). Against drift, each new window's latents can be re-normalised to the
 * first window's per-channel statistics. The overlap of every window is kept as a checkpoint (a few
 * kilobytes), so {@link #seek} can go back to any window and regenerate it exactly.
 */
public final class LongVideoGenerator {
    private final VideoPipeline pipeline;
    private final Manifest m;
    private final GenerationRequest request;
    private final int overlap;
    private final boolean renormalize;
    private PromptEncoder.Embeddings text;
    private float[] tail;
    private final java.util.List<float[]> checkpoints = new java.util.ArrayList<>();   // tail after window i
    private double[] refMean, refStd;
    private int window;

    /**
     * @param request a text-to-video request (frames = one window), or EXTEND_FORWARD to continue given frames
     * @param overlap latent frames carried from one window to the next (1 .. window - 1)
     */
    public LongVideoGenerator(VideoPipeline pipeline, GenerationRequest request, int overlap, boolean renormalize) {
        this.pipeline = pipeline;
        this.m = pipeline.manifest();
        this.request = GenerationRequest.builder(request.task()).prompt(request.prompt())
                .negativePrompt(request.negativePrompt()).seed(request.seed()).steps(request.steps())
                .guidance(request.guidance()).guidanceInterval(request.guidanceFrom(), request.guidanceTo())
                .sampler(request.sampler()).size(request.width(), request.height())
                .frames(m.framesPerWindow()).startFrames(request.startFrames()).build().resolved(m);
        if (overlap < 1 || overlap >= m.windowLatentFrames()) {
            throw new IllegalArgumentException("overlap " + overlap + " out of range; accepted 1.." + (m.windowLatentFrames() - 1));
        }
        this.overlap = overlap;
        this.renormalize = renormalize;
    }

    /** The frames of the next window: 1 + 4 (T - 1) for the first, 4 (T - overlap) after that. */
    public Video next(ProgressListener progress, Cancellation cancel) {
        return window(progress, cancel, true);
    }

    /** Frames in window {@code i}: the first holds frames_per_window, each later one 4 (T - overlap). */
    public int framesIn(int i) {
        return i == 0 ? m.framesPerWindow() : m.temporalFactor() * (m.windowLatentFrames() - overlap);
    }

    /** The window that holds frame {@code frame} of the stream, and the frame's index inside it. */
    public int[] locate(long frame) {
        if (frame < framesIn(0)) {
            return new int[] {0, (int) frame};
        }
        long rest = frame - framesIn(0);
        return new int[] {1 + (int) (rest / framesIn(1)), (int) (rest % framesIn(1))};
    }

    /**
     * Makes {@code i} the next window: earlier windows come back from their checkpoints, later ones
     * are generated (not decoded) on the way. The frames are the same as without the seek.
     */
    public void seek(int i, ProgressListener progress, Cancellation cancel) {
        while (window < i) {
            window(progress, cancel, false);
        }
        window = i;
        tail = i == 0 ? null : checkpoints.get(i - 1);
    }

    private Video window(ProgressListener progress, Cancellation cancel, boolean decode) {
        try {
            if (text == null) {
                text = pipeline.prompts().encode(pipeline.sessions(), request.prompt(), request.negativePrompt());
            }
            int t = m.windowLatentFrames();
            VideoPipeline.Latents lat = pipeline.plan(request);
            if (window > 0) {
                java.util.Arrays.fill(lat.given, false);
                lat.setClean(tail, overlap, 0, overlap, 0);
            }
            pipeline.denoise(lat, request, text, window, progress, cancel, pipeline.noise(lat, request.seed() + window));
            if (renormalize) {
                matchStatistics(lat);
            }
            int c = lat.channels, fs = lat.frameSize();
            tail = new float[c * overlap * fs];
            for (int ch = 0; ch < c; ch++) {
                System.arraycopy(lat.values, (ch * t + t - overlap) * fs, tail, ch * overlap * fs, overlap * fs);
            }
            if (checkpoints.size() == window) {
                checkpoints.add(tail);
            }
            Video out;
            if (!decode) {
                out = null;
            } else if (window == 0) {
                out = pipeline.decode(lat.values, t, request.width(), request.height(), true);
            } else {
                float[] fresh = new float[c * (t - overlap) * fs];
                for (int ch = 0; ch < c; ch++) {
                    System.arraycopy(lat.values, (ch * t + overlap) * fs, fresh, ch * (t - overlap) * fs, (t - overlap) * fs);
                }
                out = pipeline.decode(fresh, t - overlap, request.width(), request.height(), false);
            }
            window++;
            return out;
        } catch (OrtException e) {
            if (cancel.isCancelled()) {
                throw new Cancellation.CancelledException();
            }
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    public int windowsDone() {
        return window;
    }

    /** Per-channel mean/std of the generated frames set to the first window's. */
    private void matchStatistics(VideoPipeline.Latents lat) {
        int t = lat.frames, fs = lat.frameSize(), c = lat.channels;
        if (refMean == null) {
            refMean = new double[c];
            refStd = new double[c];
        }
        for (int ch = 0; ch < c; ch++) {
            int from = window == 0 ? 0 : overlap;
            double sum = 0, sq = 0;
            int n = (t - from) * fs;
            for (int i = (ch * t + from) * fs, end = (ch * t + t) * fs; i < end; i++) {
                sum += lat.values[i];
                sq += lat.values[i] * lat.values[i];
            }
            double mean = sum / n, std = Math.sqrt(Math.max(1e-12, sq / n - mean * mean));
            if (window == 0) {
                refMean[ch] = mean;
                refStd[ch] = std;
                continue;
            }
            double a = refStd[ch] / std;
            for (int i = (ch * t + from) * fs, end = (ch * t + t) * fs; i < end; i++) {
                lat.values[i] = (float) ((lat.values[i] - mean) * a + refMean[ch]);
            }
        }
    }
}
