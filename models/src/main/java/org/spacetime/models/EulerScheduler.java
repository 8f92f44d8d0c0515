package org.spacetime.models;

/** x_{i+1} = x_i + (sigma_{i+1} - sigma_i) v_i: the reference sampler of the training code. */
public final class EulerScheduler implements FlowScheduler {
    private double[] sigmas;

    @Override
    public void setTimesteps(int steps, double shift) {
        sigmas = FlowScheduler.shiftedSigmas(steps, shift);
    }

    @Override
    public double[] sigmas() {
        return sigmas;
    }

    @Override
    public void step(float[] v, int i, float[] x) {
        float dt = (float) (sigmas[i + 1] - sigmas[i]);
        for (int k = 0; k < x.length; k++) {
            x[k] += dt * v[k];
        }
    }
}
