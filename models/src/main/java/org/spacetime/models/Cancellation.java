package org.spacetime.models;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Stops a generation within one step: checked between steps, and it terminates an ONNX Runtime
 * run in flight (RunOptions terminate), which then fails with {@link CancelledException}.
 *
 * <p>The native run options must outlive every run that uses them: {@link #close} while runs are
 * in flight (a caller that gives up on a generation another thread still runs) cancels them and
 * waits for them to end before it frees the options, instead of leaving ONNX Runtime to read freed
 * memory.
 */
public final class Cancellation implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Cancellation.class);
    private volatile boolean cancelled;
    private final OrtSession.RunOptions runOptions;
    private int inFlight;          // runs using runOptions; guarded by this
    private boolean closed;        // guarded by this

    public Cancellation() {
        try {
            runOptions = new OrtSession.RunOptions();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    public void cancel() {
        synchronized (this) {
            if (closed) {
                return;
            }
            cancelled = true;
            try {
                runOptions.setTerminate(true);
            } catch (OrtException e) {
                LOG.warn("cannot terminate the ONNX Runtime run: {}", e.getMessage());
            }
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

    /** A call into ONNX Runtime with these run options. */
    interface Run<T> {
        T run(OrtSession.RunOptions options) throws OrtException;
    }

    /** Runs {@code call} with the run options, which stay allocated until it returns. */
    <T> T run(Run<T> call) throws OrtException {
        synchronized (this) {
            if (closed) {
                throw new CancelledException();
            }
            inFlight++;
        }
        try {
            return call.run(runOptions);
        } finally {
            synchronized (this) {
                inFlight--;
                notifyAll();
            }
        }
    }

    @Override
    public void close() {
        boolean interrupted = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (inFlight > 0) {
                cancel();
            }
            closed = true;
            while (inFlight > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;   // the options must outlive the runs: wait on, then re-interrupt
                }
            }
        }
        runOptions.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Generation was cancelled. */
    public static final class CancelledException extends RuntimeException {
        public CancelledException() {
            super("generation cancelled");
        }
    }
}
