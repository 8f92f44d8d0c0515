package org.spacetime.gst.elements;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.spacetime.gst.framework.Element;
import org.spacetime.gst.framework.ElementException;
import org.spacetime.gst.framework.ErrorCode;
import org.spacetime.gst.framework.FlushingException;
import org.spacetime.gst.framework.GstDebugLog;
import org.spacetime.models.Cancellation;
import org.spacetime.models.ProgressListener;
import org.spacetime.models.Video;

/**
 * Generates windows of frames on a worker thread, one window ahead of the streaming thread that
 * hands them out, so a stream plays on while the next window is denoised. Each window is a
 * GST_MESSAGE_PROGRESS operation whose text carries a progress bar over the whole job (gst-launch-1.0
 * prints it), with a spacetime-progress element message per step.
 * {@link #interrupt} stops the work in flight within one denoising step.
 */
final class WindowPrefetcher implements AutoCloseable {
    /** Window i of the stream (called on the worker thread, one call at a time). */
    interface Windows {
        Video window(int index, ProgressListener progress, Cancellation cancel);
    }

    private final Element element;
    private final String what;
    private final Windows windows;
    private final int windowCount;
    /**
     * Generation threads shared by every element in the process and reused: a thread per element
     * and state cycle would leave native per-thread memory (allocator arenas, ONNX Runtime's
     * thread-local state) behind on each cycle.
     */
    private static final ExecutorService SHARED = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "spacetime-generate");
        t.setDaemon(true);
        return t;
    });
    /** Runs this prefetcher's tasks one after another, in order, on the shared threads. */
    private final ExecutorService worker;
    private volatile Cancellation cancellation = new Cancellation();
    private Future<Video> pending;
    private int pendingIndex = -1;
    /** The window the streaming thread is blocked on, or -1. */
    private volatile int waitingFor = -1;

    /**
     * @param what what is generated, for the progress text
     * @param windowCount windows in the whole job, for the progress bar; 0 when unknown (endless)
     */
    WindowPrefetcher(Element element, String what, int windowCount, Windows windows) {
        this.element = element;
        this.what = what;
        this.windowCount = windowCount;
        this.windows = windows;
        this.worker = new SerialExecutor(SHARED);
    }

    /**
     * Window {@code index}, waiting for it if it is being made; then starts on {@code index + 1}
     * when {@code prefetchNext}.
     */
    Video take(int index, boolean prefetchNext) throws ElementException, FlushingException {
        waitingFor = index;
        if (pendingIndex != index) {
            discardPending();
            submit(index);
        }
        Future<Video> f = pending;
        pending = null;
        pendingIndex = -1;
        Video v;
        try {
            v = await(f);
        } finally {
            waitingFor = -1;
        }
        if (prefetchNext) {
            submit(index + 1);
        }
        return v;
    }

    /** Starts window {@code index} now (unless it is being made), to be taken later. */
    void start(int index) {
        if (pendingIndex != index) {
            discardPending();
            submit(index);
        }
    }

    /** Stops the window being made (flush, seek, state change): take() then throws FlushingException. */
    void interrupt() {
        cancellation.cancel();
    }

    /** After an interrupt: forget the interrupted work and accept new requests. */
    void resume() {
        Cancellation old = cancellation;
        cancellation = new Cancellation();
        pending = null;
        pendingIndex = -1;
        worker.execute(old::close);     // after the interrupted window has let go of its run options
    }

    /** Stops the worker; waits for the window in flight to stop (within one step). */
    @Override
    public void close() {
        cancellation.cancel();
        worker.shutdown();
        try {
            if (!worker.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                return;                 // the run options stay open rather than be freed under a running call
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        cancellation.close();
    }

    private void submit(int index) {
        Cancellation cancel = cancellation;
        pendingIndex = index;
        pending = worker.submit(() -> {
            GstDebugLog.workingFor(element);
            Announcer bus = new Announcer(index);
            try {
                Video v = windows.window(index, (w, step, total) -> {
                    element.postElementMessage("spacetime-progress, window=(int)" + index + ", windows=(int)" + windowCount
                            + ", step=(int)" + step + ", total=(int)" + total);
                    double ofWindow = (double) step / total;
                    bus.post("CONTINUE", progressText(index, ofWindow, ", step " + step + "/" + total), ofWindow,
                            (double) (step - 1) / total);
                }, cancel);
                bus.post("COMPLETE", progressText(index, 1, " done"), 1, 1);
                return v;
            } catch (Cancellation.CancelledException e) {
                bus.post("CANCELED", what + ": window " + (index + 1) + " interrupted", 0, 0);
                throw e;
            } catch (RuntimeException e) {
                bus.post("ERROR", what + ": window " + (index + 1) + " failed", 0, 0);
                throw e;
            }
        });
    }

    /**
     * GST_MESSAGE_PROGRESS for one window, posted only while the stream waits for that window: a
     * window made ahead in the background is not an operation the application waits on (gst-launch
     * holds a prerolled pipeline in PAUSED until every started operation completes, which made the
     * first frames wait for two windows).
     */
    private final class Announcer {
        private final int index;
        private boolean started;

        Announcer(int index) {
            this.index = index;
        }

        /** @param before how much of the window was done before this event (where a START begins) */
        void post(String type, String text, double ofWindow, double before) {
            if (!started) {
                if (waitingFor != index || !type.equals("CONTINUE") && !type.equals("COMPLETE")) {
                    return;
                }
                started = true;
                element.postProgress("START", "generate", progressText(index, before, ""), percent(index, before));
            }
            element.postProgress(type, "generate", text, percent(index, ofWindow));
        }
    }

    /** The share of the job done: of all windows, or of the current one when the count is unknown (endless). */
    private double done(int index, double ofWindow) {
        return windowCount > 0 ? Math.min(1, (index + ofWindow) / windowCount) : ofWindow;
    }

    private int percent(int index, double ofWindow) {
        return (int) Math.round(done(index, ofWindow) * 100);
    }

    /**
     * E.g. {@code "a red circle ...": [#########...........] 45%, window 1/2, step 9/10}: the bar
     * covers the whole job, or the current window when the window count is unknown (endless).
     * @param ofWindow how much of window {@code index} is done, 0 to 1
     */
    String progressText(int index, double ofWindow, String detail) {
        double done = done(index, ofWindow);
        int bar = 20, filled = (int) Math.round(done * bar);
        return what + ": [" + "#".repeat(filled) + ".".repeat(bar - filled) + "] " + Math.round(done * 100) + "%, window "
                + (index + 1) + (windowCount > 0 ? "/" + windowCount : "") + detail;
    }

    /** Lets a window that is no longer wanted finish or stop (it may be mid-step), dropping it. */
    private void discardPending() {
        if (pending != null) {
            try {
                pending.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // its failure belonged to a window nobody wants any more
            }
            pending = null;
            pendingIndex = -1;
        }
    }

    private static Video await(Future<Video> f) throws ElementException, FlushingException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlushingException();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Cancellation.CancelledException) {
                throw new FlushingException();
            }
            throw new ElementException(ErrorCode.STREAM_FAILED, "generation failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
