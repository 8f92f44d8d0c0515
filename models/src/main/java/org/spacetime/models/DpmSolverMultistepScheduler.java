package org.spacetime.models;

/**
 * DPM-Solver++ (2M) for flow matching, in data prediction: with alpha = 1 - sigma and
 * x0 = x - sigma v, lambda = log(alpha / sigma), h = lambda_{i+1} - lambda_i,
 * x_{i+1} = (sigma_{i+1} / sigma_i) x_i - alpha_{i+1} (e^{-h} - 1) D, where D is x0 (first step and
 * last step) or the second-order combination (1 + 1/(2r)) x0_i - 1/(2r) x0_{i-1}, r = h_{i-1} / h_i.
 */
public final class DpmSolverMultistepScheduler implements FlowScheduler {
    private double[] sigmas;
    private float[] previousX0;
    private double previousH;

    @Override
    public void setTimesteps(int steps, double shift) {
        sigmas = FlowScheduler.shiftedSigmas(steps, shift);
        previousX0 = null;
    }

    @Override
    public double[] sigmas() {
        return sigmas;
    }

    private static double lambda(double sigma) {
        return Math.log((1 - sigma) / sigma);
    }

    @Override
    public void step(float[] v, int i, float[] x) {
        double s0 = sigmas[i], s1 = sigmas[i + 1];
        float[] x0 = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            x0[k] = (float) (x[k] - s0 * v[k]);
        }
        if (s1 == 0) {                       // last step: lower order, land on the data prediction
            System.arraycopy(x0, 0, x, 0, x.length);
            previousX0 = null;
            return;
        }
        double h = lambda(s1) - lambda(s0);  // +inf on the first step (sigma = 1), fine below
        double expm = (1 - s0) * s1 / (s0 * (1 - s1));   // e^{-h} without the infinities
        double a = s1 / s0, b = -(1 - s1) * (expm - 1);
        double c0 = 1, c1 = 0;
        if (previousX0 != null && Double.isFinite(previousH) && Double.isFinite(h)) {
            double r = previousH / h;
            c0 = 1 + 1 / (2 * r);
            c1 = -1 / (2 * r);
        }
        for (int k = 0; k < x.length; k++) {
            double d = c0 * x0[k] + (previousX0 == null ? 0 : c1 * previousX0[k]);
            x[k] = (float) (a * x[k] + b * d);
        }
        previousX0 = x0;
        previousH = h;
    }
}
