package org.spacetime.models;

/**
 * One request to the pipeline. Unset numbers (0 steps, NaN guidance) take the package defaults.
 * Given frames may be of any size: they are resized to the model and kept, exactly, in the output.
 * Classifier-free guidance applies at the steps whose noise level sigma lies in
 * (guidanceFrom, guidanceTo]; the others run the conditional model alone (half the work).
 */
public record GenerationRequest(Task task, String prompt, String negativePrompt, long seed, int steps, double guidance,
                                Sampler sampler, int width, int height, int frames, Video startFrames,
                                Video endFrames, double strength, double guidanceFrom, double guidanceTo) {

    public static Builder builder(Task task) {
        return new Builder(task);
    }

    /** A builder holding this request's values, to derive a changed one. */
    public Builder toBuilder() {
        return new Builder(task).prompt(prompt).negativePrompt(negativePrompt).seed(seed).steps(steps).guidance(guidance)
                .sampler(sampler).size(width, height).frames(frames).startFrames(startFrames).endFrames(endFrames)
                .strength(strength).guidanceInterval(guidanceFrom, guidanceTo);
    }

    /** The request with defaults filled from the manifest, checked (diffusers' check_inputs). */
    GenerationRequest resolved(Manifest m) {
        int w = width == 0 ? m.nativeWidth() : width, h = height == 0 ? m.nativeHeight() : height;
        m.checkSize(w, h);
        int n = frames == 0 ? m.framesPerWindow() : frames;
        int st = steps == 0 ? m.defaultSteps() : steps;
        double g = Double.isNaN(guidance) ? m.defaultGuidance() : guidance;
        if (st < 1 || st > 1000) {
            throw new IllegalArgumentException("steps " + st + " out of range; accepted 1..1000");
        }
        if (!(g >= 0 && g <= 50)) {
            throw new IllegalArgumentException("guidance " + g + " out of range; accepted 0..50");
        }
        double from = Double.isNaN(guidanceFrom) ? m.guidanceInterval()[0] : guidanceFrom;
        double to = Double.isNaN(guidanceTo) ? m.guidanceInterval()[1] : guidanceTo;
        if (!(from >= 0 && from < to && to <= 1)) {
            throw new IllegalArgumentException("guidance interval (" + from + ", " + to + "] out of range; accepted "
                    + "0 <= from < to <= 1 (noise levels)");
        }
        if (n < 1 || n > m.framesPerWindow()) {
            throw new IllegalArgumentException("frames " + n + " out of range for one window; accepted 1.."
                    + m.framesPerWindow() + " (longer clips: WindowedGenerator)");
        }
        boolean needsStart = task == Task.IMAGE_TO_VIDEO || task == Task.EXTEND_FORWARD || task == Task.CONNECT
                || task == Task.VIDEO_TO_VIDEO;
        boolean needsEnd = task == Task.EXTEND_BACKWARD || task == Task.CONNECT;
        if (needsStart && (startFrames == null || startFrames.frames() == 0)) {
            throw new IllegalArgumentException(task + " needs startFrames (the given frames)");
        }
        if (needsEnd && (endFrames == null || endFrames.frames() == 0)) {
            throw new IllegalArgumentException(task + " needs endFrames (the given frames)");
        }
        if (task == Task.VIDEO_TO_VIDEO && !(strength > 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength " + strength + " out of range; accepted (0, 1]");
        }
        if ((prompt == null || prompt.isBlank()) && task == Task.TEXT_TO_VIDEO) {
            throw new IllegalArgumentException("text-to-video needs a non-empty prompt");
        }
        return new GenerationRequest(task, PromptText.checked(prompt, "prompt"), PromptText.checked(negativePrompt, "negative prompt"),
                seed, st, g, sampler, w, h, n, startFrames, endFrames, strength, from, to);
    }

    public static final class Builder {
        private final Task task;
        private String prompt = "", negativePrompt = "";
        private long seed;
        private int steps, width, height, frames;
        private double guidance = Double.NaN, strength = 0.6, guidanceFrom = Double.NaN, guidanceTo = Double.NaN;
        private Sampler sampler = Sampler.DPMPP_2M;
        private Video startFrames, endFrames;

        private Builder(Task task) {
            this.task = task;
        }

        public Builder prompt(String p) { prompt = p; return this; }
        public Builder negativePrompt(String p) { negativePrompt = p; return this; }
        public Builder seed(long s) { seed = s; return this; }
        public Builder steps(int s) { steps = s; return this; }
        public Builder guidance(double g) { guidance = g; return this; }
        public Builder sampler(Sampler s) { sampler = s; return this; }
        public Builder size(int w, int h) { width = w; height = h; return this; }
        public Builder frames(int n) { frames = n; return this; }
        public Builder startFrames(Video v) { startFrames = v; return this; }
        public Builder endFrames(Video v) { endFrames = v; return this; }
        public Builder strength(double s) { strength = s; return this; }
        /** Guidance only at noise levels sigma in (from, to]; unset: the package's default interval. */
        public Builder guidanceInterval(double from, double to) { guidanceFrom = from; guidanceTo = to; return this; }

        public GenerationRequest build() {
            return new GenerationRequest(task, prompt, negativePrompt, seed, steps, guidance, sampler, width, height,
                    frames, startFrames, endFrames, strength, guidanceFrom, guidanceTo);
        }
    }
}
