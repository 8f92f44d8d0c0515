package org.spacetime.models;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Stops a generation within one step: checked between steps, and it terminates an ONNX Runtime
 * run in flight (RunOptions terminate), which then fails with {@link CancelledException}.
 */
public final class Cancellation implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Cancellation.class);
    private volatile boolean cancelled;
    private final OrtSession.RunOptions runOptions;

    public Cancellation() {
        try {
            runOptions = new OrtSession.RunOptions();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    public void cancel() {
        cancelled = true;
        try {
            runOptions.setTerminate(true);
        } catch (OrtException e) {
            LOG.warn("cannot terminate the ONNX Runtime run: {}", e.getMessage());
        }
    }

    public boolean isCancelled() {
        return cancelled;
    }

    void check() {
        if (cancelled) {
            throw new CancelledException();
        }
    }

    OrtSession.RunOptions runOptions() {
        return runOptions;
    }

    @Override
    public void close() {
        runOptions.close();
    }

    /** Generation was cancelled. */
    public static final class CancelledException extends RuntimeException {
        public CancelledException() {
            super("generation cancelled");
        }
    }
}
