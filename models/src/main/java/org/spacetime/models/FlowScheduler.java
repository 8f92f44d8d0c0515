package org.spacetime.models;

/**
 * A sampler over the rectified flow x_t = (1 - t) x0 + t noise, in the diffusers shape:
 * {@link #setTimesteps} once, then {@link #step} once per denoiser evaluation.
 */
public interface FlowScheduler {
    /** Plans {@code steps} steps from t = 1 to 0 with the shifted schedule t' = s t / (1 + (s - 1) t). */
    void setTimesteps(int steps, double shift);

    /** The noise levels, steps + 1 values from 1 down to 0. */
    double[] sigmas();

    /** Advances {@code x} (in place) from sigma[i] to sigma[i + 1] given the velocity predicted at sigma[i]. */
    void step(float[] velocity, int i, float[] x);

    static double[] shiftedSigmas(int steps, double shift) {
        double[] s = new double[steps + 1];
        for (int i = 0; i <= steps; i++) {
            double t = 1.0 - (double) i / steps;
            s[i] = shift * t / (1 + (shift - 1) * t);
        }
        return s;
    }

    static FlowScheduler create(Sampler sampler) {
        return switch (sampler) {
            case EULER -> new EulerScheduler();
            case DPMPP_2M -> new DpmSolverMultistepScheduler();
        };
    }
}
