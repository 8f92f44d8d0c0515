package org.spacetime.models;

import java.util.Arrays;
import java.util.TreeMap;

import ai.onnxruntime.OrtException;

/**
 * How a clip longer than one model window is made: window after window, each conditioned on the
 * one before, in one place for every element (a generated stream, a forward or backward extension,
 * a live gap, a loop). It knows nothing of GStreamer.
 *
 * <ul>
 * <li><b>Forward</b> (text-to-video, image-to-video, extend forward): the first window is an
 * ordinary generation (after the given frames, if any); each next one takes the last
 * {@code overlap} latent frames of the one before as clean conditioning and generates the rest, so
 * memory stays flat (only the overlap is carried). Optionally each window's latents are
 * re-normalised to the first window's per-channel statistics, against drift.
 * <li><b>Backward</b> (extend backward): each window ends with the earliest frames made so far and
 * generates what comes before them (in pixels: the causal autoencoder's first latent stands for
 * one frame, so a window's head cannot be reused as another's tail in latent space).
 * <li><b>Loop</b>: one seamless clip, generated once, is every window.
 * </ul>
 *
 * Window {@code i} is seeded with {@code seed + i}, so any window is reproducible: {@link #seek}
 * goes back to the nearest checkpoint (the state carried into a window) and regenerates from there,
 * and its frames equal those of a straight run. The checkpoints follow a {@link Checkpoints} policy
 * whose memory is bounded however long the stream runs. The prompt may change between windows
 * ({@link #setPrompt}): it applies from the next window generated.
 */
public final class WindowedGenerator {
    /** Which checkpoints are kept for seeking back: none, or every k-th window with k doubling to stay within {@code max}. */
    public record Checkpoints(int max) {
        /** Endless or live streams: nothing is kept (a seek back regenerates from the first window). */
        public static final Checkpoints NONE = new Checkpoints(0);

        /** At most {@code max} checkpoints, spread over the windows made so far. */
        public static Checkpoints bounded(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("max checkpoints " + max + "; accepted >= 1 (or NONE)");
            }
            return new Checkpoints(max);
        }
    }

    private enum Mode { FORWARD, BACKWARD, LOOP }

    /** What is carried into a window: latent frames (forward) or the earliest frames made (backward). */
    private record Carry(float[] tail, Video earliest) {}

    private final VideoPipeline pipeline;
    private final Manifest m;
    private final Mode mode;
    private final GenerationRequest first;       // window 0's request (given frames included)
    private final int overlap;
    private final boolean renormalize;
    private final Checkpoints policy;
    private final TreeMap<Integer, Carry> checkpoints = new TreeMap<>();   // window -> what it starts from
    private int every = 1;                       // checkpoint windows that are multiples of this
    private final Carry start;
    private Carry carry;
    private int window;
    private String prompt, negativePrompt;
    private String encodedFor;
    private PromptEncoder.Embeddings text;
    private double[] refMean, refStd;
    private Video loopClip;

    /**
     * @param request TEXT_TO_VIDEO or IMAGE_TO_VIDEO (a stream), EXTEND_FORWARD (start frames: 1 + 4k
     *     at the model's rate), EXTEND_BACKWARD (end frames: 4k) or LOOP; its frames are ignored (one
     *     window each)
     * @param overlap latent frames carried from one forward window to the next (1 .. window - 1)
     */
    public WindowedGenerator(VideoPipeline pipeline, GenerationRequest request, int overlap, boolean renormalize,
                             Checkpoints policy) {
        this.pipeline = pipeline;
        this.m = pipeline.manifest();
        this.mode = switch (request.task()) {
            case TEXT_TO_VIDEO, IMAGE_TO_VIDEO, EXTEND_FORWARD -> Mode.FORWARD;
            case EXTEND_BACKWARD -> Mode.BACKWARD;
            case LOOP -> Mode.LOOP;
            default -> throw new IllegalArgumentException(request.task() + " is not made window by window; accepted: "
                    + "text or image to video, extend forward or backward, loop");
        };
        if (overlap < 1 || overlap >= m.windowLatentFrames()) {
            throw new IllegalArgumentException("overlap " + overlap + " out of range; accepted 1.." + (m.windowLatentFrames() - 1));
        }
        this.first = request.toBuilder()
                .frames(request.task() == Task.LOOP && request.frames() > 0 ? request.frames() : m.framesPerWindow())
                .build().resolved(m);
        this.overlap = overlap;
        this.renormalize = renormalize && mode == Mode.FORWARD;
        this.policy = policy;
        this.prompt = first.prompt();
        this.negativePrompt = first.negativePrompt();
        this.start = new Carry(null, mode == Mode.BACKWARD ? backwardGiven(first.endFrames()) : null);
        this.carry = start;
    }

    /** The prompt (and negative prompt) of the windows generated from now on. */
    public synchronized void setPrompt(String prompt, String negativePrompt) {
        this.prompt = PromptText.checked(prompt, "prompt");
        this.negativePrompt = PromptText.checked(negativePrompt, "negative prompt");
    }

    /** New frames of window {@code i}, seeking to it first when it is not the next one. */
    public Video window(int i, ProgressListener progress, Cancellation cancel) {
        if (i != window) {
            seek(i, progress, cancel);
        }
        return next(progress, cancel);
    }

    /**
     * New frames of the next window in display order: forward, the frames after those made (window
     * 0 of an extension: after the given ones); backward, the frames before them.
     */
    public Video next(ProgressListener progress, Cancellation cancel) {
        return step(progress, cancel, true);
    }

    /** New frames in window {@code i}. */
    public int framesIn(int i) {
        return switch (mode) {
            case LOOP -> VideoPipeline.loopFrames(first.frames(), m.temporalFactor());
            case BACKWARD -> m.framesPerWindow() - start.earliest.frames();
            case FORWARD -> i > 0 ? m.temporalFactor() * (m.windowLatentFrames() - overlap)
                    : m.framesPerWindow() - (first.startFrames() == null || first.task() == Task.IMAGE_TO_VIDEO
                            ? 0 : givenForward());
        };
    }

    /** The window that holds new frame {@code frame} (0 = the first new one), and its index inside the window. */
    public int[] locate(long frame) {
        if (frame < framesIn(0)) {
            return new int[] {0, (int) frame};
        }
        long rest = frame - framesIn(0);
        return new int[] {1 + (int) (rest / framesIn(1)), (int) (rest % framesIn(1))};
    }

    /** Windows needed for {@code frames} new frames. */
    public int windowsFor(long frames) {
        return frames <= 0 ? 0 : locate(frames - 1)[0] + 1;
    }

    /**
     * Makes {@code i} the next window: from the nearest checkpoint at or before it (or from where the
     * generator is, when that is nearer), generating the windows in between without decoding them.
     */
    public void seek(int i, ProgressListener progress, Cancellation cancel) {
        if (i < 0) {
            throw new IllegalArgumentException("window " + i);
        }
        if (mode == Mode.LOOP) {
            window = i;
            return;
        }
        var saved = checkpoints.floorEntry(i);
        int from = saved == null ? 0 : saved.getKey();
        if (window > i || window < from) {
            window = from;
            carry = saved == null ? start : saved.getValue();
        }
        while (window < i) {
            step(progress, cancel, false);
        }
    }

    public int windowsDone() {
        return window;
    }

    /** Checkpoints held now (bounded by the policy). */
    public int checkpointCount() {
        return checkpoints.size();
    }

    private Video step(ProgressListener progress, Cancellation cancel, boolean decode) {
        pipeline.windowLock().lock();          // one window at a time per model (VideoModel)
        try {
            Video out = switch (mode) {
                case LOOP -> loop(progress, cancel);
                case BACKWARD -> backward(progress, cancel);
                case FORWARD -> forward(progress, cancel, decode);
            };
            window++;
            keepCheckpoint();
            return out;
        } catch (OrtException e) {
            if (cancel.isCancelled()) {
                throw new Cancellation.CancelledException();
            }
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            pipeline.windowLock().unlock();
        }
    }

    private Video loop(ProgressListener progress, Cancellation cancel) {
        if (loopClip == null) {
            loopClip = pipeline.generate(withPrompt(first), progress, cancel);
        }
        return loopClip;
    }

    private Video backward(ProgressListener progress, Cancellation cancel) {
        String[] p = promptNow();
        GenerationRequest r = first.toBuilder().prompt(p[0]).negativePrompt(p[1]).seed(first.seed() + window)
                .endFrames(carry.earliest).build();
        Video w = pipeline.generate(r, progress, cancel);
        int given = carry.earliest.frames();
        carry = new Carry(null, w.slice(0, given));
        return w.slice(0, w.frames() - given);
    }

    private Video forward(ProgressListener progress, Cancellation cancel, boolean decode) throws OrtException {
        PromptEncoder.Embeddings text = embeddings();
        int t = m.windowLatentFrames();
        VideoPipeline.Latents lat = pipeline.plan(first);
        if (window > 0) {
            Arrays.fill(lat.given, false);
            lat.setClean(carry.tail, overlap, 0, overlap, 0);
        }
        pipeline.denoise(lat, first, text, window, progress, cancel, pipeline.noise(lat, first.seed() + window));
        if (renormalize) {
            matchStatistics(lat);
        }
        int c = lat.channels, fs = lat.frameSize();
        float[] tail = new float[c * overlap * fs];
        for (int ch = 0; ch < c; ch++) {
            System.arraycopy(lat.values, (ch * t + t - overlap) * fs, tail, ch * overlap * fs, overlap * fs);
        }
        carry = new Carry(tail, null);
        if (!decode) {
            return null;
        }
        if (window == 0) {
            Video all = pipeline.decode(lat.values, t, first.width(), first.height(), true);
            if (first.task() == Task.IMAGE_TO_VIDEO) {
                return pipeline.keepGiven(all, first);
            }
            return first.startFrames() == null ? all : all.slice(givenForward(), all.frames());
        }
        float[] fresh = new float[c * (t - overlap) * fs];
        for (int ch = 0; ch < c; ch++) {
            System.arraycopy(lat.values, (ch * t + overlap) * fs, fresh, ch * (t - overlap) * fs, (t - overlap) * fs);
        }
        return pipeline.decode(fresh, t - overlap, first.width(), first.height(), false);
    }

    /** Given frames that window 0 of a forward extension starts from (1 + 4k, within the window). */
    private int givenForward() {
        int tf = m.temporalFactor();
        int n = Math.min(first.startFrames().frames(), first.frames());
        return 1 + Math.min((n - 1) / tf, m.windowLatentFrames() - 1) * tf;
    }

    /** The end frames a backward window is conditioned on: a whole number of latent frames (4k). */
    private Video backwardGiven(Video end) {
        int tf = m.temporalFactor(), n = end.frames() / tf * tf;
        if (n < tf) {
            throw new IllegalArgumentException("backward extension needs at least " + tf + " given frames; got " + end.frames());
        }
        return end.slice(0, n);
    }

    /**
     * Keeps the state carried into window {@code window} when the policy says so; when the count
     * passes the bound, only every other one is kept from then on (memory bounded, coverage even).
     */
    private void keepCheckpoint() {
        if (policy.max() == 0 || mode == Mode.LOOP || window % every != 0 || checkpoints.containsKey(window)) {
            return;
        }
        checkpoints.put(window, carry);
        while (checkpoints.size() > policy.max()) {
            every *= 2;
            checkpoints.keySet().removeIf(k -> k % every != 0);
        }
    }

    private synchronized String[] promptNow() {
        return new String[] {prompt, negativePrompt};
    }

    private GenerationRequest withPrompt(GenerationRequest r) {
        String[] p = promptNow();
        return r.toBuilder().prompt(p[0]).negativePrompt(p[1]).build();
    }

    /** The text embeddings of the current prompt, encoded once per prompt. */
    private PromptEncoder.Embeddings embeddings() throws OrtException {
        String[] p = promptNow();
        String key = p[0] + "\u0000" + p[1];
        if (!key.equals(encodedFor)) {
            text = pipeline.prompts().encode(pipeline.sessions(), p[0], p[1]);
            encodedFor = key;
        }
        return text;
    }

    /** Per-channel mean/std of the generated frames set to the first window's. */
    private void matchStatistics(VideoPipeline.Latents lat) {
        int t = lat.frames, fs = lat.frameSize(), c = lat.channels;
        boolean reference = window == 0;
        if (reference) {
            refMean = new double[c];
            refStd = new double[c];
        }
        for (int ch = 0; ch < c; ch++) {
            int from = reference ? 0 : overlap;
            double sum = 0, sq = 0;
            int n = (t - from) * fs;
            for (int i = (ch * t + from) * fs, end = (ch * t + t) * fs; i < end; i++) {
                sum += lat.values[i];
                sq += lat.values[i] * lat.values[i];
            }
            double mean = sum / n, std = Math.sqrt(Math.max(1e-12, sq / n - mean * mean));
            if (reference) {
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
