package org.spacetime.models;

/** Called after every denoising step (and window, for long video). */
@FunctionalInterface
public interface ProgressListener {
    void onStep(int window, int step, int totalSteps);

    ProgressListener NONE = (w, s, t) -> {};
}
