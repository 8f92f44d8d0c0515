package org.spacetime.models;

import java.util.Locale;

/** The solvers the runtime offers. */
public enum Sampler {
    /** First-order Euler over the flow (the reference sampler). */
    EULER,
    /** DPM-Solver++ 2M: second order, one denoiser call per step. */
    DPMPP_2M;

    public static Sampler parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "euler" -> EULER;
            case "dpm++2m", "dpmpp-2m", "dpmpp_2m" -> DPMPP_2M;
            default -> throw new IllegalArgumentException("unknown sampler '" + s + "'; accepted: euler, dpm++2m");
        };
    }
}
