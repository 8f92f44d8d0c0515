package org.spacetime.models;

import java.util.Locale;

/** Where ONNX Runtime runs: AUTO tries CUDA and falls back to CPU with a warning. */
public enum Device {
    AUTO, CPU, CUDA;

    public static Device parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown device '" + s + "'; accepted: auto, cpu, cuda");
        }
    }
}
