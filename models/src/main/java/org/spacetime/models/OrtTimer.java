package org.spacetime.models;

import java.util.concurrent.atomic.LongAdder;

/** Wall time spent inside ONNX Runtime run calls, for the benchmark's "time outside ORT" figure. */
public final class OrtTimer {
    private static final LongAdder NANOS = new LongAdder();
    private static final LongAdder RUNS = new LongAdder();

    private OrtTimer() {}

    static long start() {
        return System.nanoTime();
    }

    static void stop(long start) {
        NANOS.add(System.nanoTime() - start);
        RUNS.increment();
    }

    public static long nanos() {
        return NANOS.sum();
    }

    public static long runs() {
        return RUNS.sum();
    }

    public static void reset() {
        NANOS.reset();
        RUNS.reset();
    }
}
