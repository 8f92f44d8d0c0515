package org.spacetime.gst.elements;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.spacetime.gst.framework.Buffer;
import org.spacetime.gst.framework.Element;
import org.spacetime.gst.framework.ElementException;
import org.spacetime.gst.framework.Flow;
import org.spacetime.gst.framework.FlushingException;
import org.spacetime.gst.framework.GstDebugLog;
import org.spacetime.models.Video;

/**
 * Keeps a live stream going when its input stalls: when the input's next frame has not arrived
 * {@code timeout} after it was due, frames continuing the input are generated and pushed in real
 * time, timestamped from where the input ended. When input comes back, the gap is first completed
 * with the frames that end by the returning buffer's timestamp, so the stream has no hole longer
 * than a frame; input for time already filled is dropped.
 * <p>
 * <b>Input is queued</b> (as livesync and queue do): the sink streaming thread only hands buffers
 * over, and the src pad task pushes them, then any gap frames. A sink that synchronises holds each
 * buffer until its running time plus the pipeline's latency; pushed from the sink streaming
 * thread, input would reach this element that much late, and a stall would only be seen when the
 * latency the fill needs had already passed (at 1080p50 the first gap frames came 1.3 s late).
 * Queued, input arrives when upstream delivers it, a stall is seen {@code timeout} after the
 * last arrival while the frames before it still wait in the queue, and the gap's first window is
 * made in that time.
 * <p>
 * A stall is input that is both {@code timeout} overdue on the pipeline clock (a frame with PTS p
 * is due at the sink pad at {@code runningTime(p) + upstream latency}) and {@code timeout} apart
 * from the last arrival on the wall clock: input that flows but runs late is not a stall. Stalls
 * are watched for by one timer thread shared by every filler in the process.
 * <p>
 * Threads: {@link #enqueue} and {@link #drain} run on the sink streaming thread, {@link #iterate}
 * on the src pad's task, stall checks on the timer, a gap's first window on a generation thread,
 * the rest on the application thread. Pushes hold {@code pushLock}; nothing holds it while waiting.
 */
final class LiveGapFiller implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(LiveGapFiller.class);
    /** Latency allowed for generating a gap's first frames until it has been measured. */
    private static final long UNMEASURED_GENERATION_NANOS = 1_000_000_000L;
    /** Input queued beyond the pipeline's latency while downstream does not take it (paused) waits. */
    private static final long QUEUE_SLACK_NANOS = 1_000_000_000L;
    private static final ScheduledThreadPoolExecutor WATCH = watch();

    private static ScheduledThreadPoolExecutor watch() {
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "spacetime-stall-watch");
            t.setDaemon(true);
            return t;
        });
        w.setRemoveOnCancelPolicy(true);
        w.setKeepAliveTime(60, TimeUnit.SECONDS);
        w.allowCoreThreadTimeOut(true);
        return w;
    }

    /** Where a gap starts and what fills it, made from the latest input when a stall is detected. */
    record Gap(Continuation frames, StreamFormat format, long startPts, long startOffset) {}

    interface GapSource {
        /** A gap from the latest input, or null when there is nothing to continue. */
        Gap start() throws ElementException;
    }

    interface Output {
        /** Pushes an input buffer as it came. */
        int pushInput(Buffer buffer);

        /** Pushes a generated frame (in a segment that contains it). */
        int pushGenerated(Buffer buffer);
    }

    /** The pipeline clock as the element sees it. */
    interface Timeline {
        /** The element's running time now, or -1 without a clock. */
        long now();

        /** The running time of an input PTS in the input's segment, or -1 when it has none. */
        long runningTime(long pts);
    }

    private final Element element;
    private final long timeoutNanos;
    private final long upstreamLatencyNanos;
    private final Timeline timeline;
    private final GapSource source;
    private final Output output;
    private final Object pushLock;
    private final Runnable latencyChanged;

    private final Object lock = new Object();       // guards everything below
    private boolean playing, stopped, flushing;
    private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
    private boolean pushingInput;                   // the task is pushing a buffer taken from the queue
    private boolean inputHeld;                      // the sink thread waits (queue full, or a serialized event)
    private int downstreamFlow = Flow.OK;           // an input push's failure, returned upstream
    private long pipelineLatencyNanos = -1;         // as configured downstream; -1: not yet
    private long nextPts = -1;                      // the PTS the next input frame should have; -1: no input yet
    private long lastArrival;                       // System.nanoTime() of the last input
    private ScheduledFuture<?> check;               // the next stall check
    private Gap gap;                                // the gap being filled, null while input flows
    private long gapFrames;                         // frames of the gap pushed so far
    private long resumePts = -1;                    // input came back at this PTS: complete the gap up to it
    private long filledUntil = -1;                  // end PTS of the last frame pushed into a gap
    private long generationNanos = -1;              // measured: stall detected -> first frame ready
    private boolean rehearsed;                      // a gap's first frame was made once, to measure it
    private Continuation rehearsal;                 // that first gap's frames, while they are made
    private final List<Continuation> retired = new ArrayList<>();

    /**
     * @param upstreamLatencyNanos the minimum latency upstream reported: how long after its running
     *     time an input frame may arrive
     * @param pushLock held around every push of the element's src pad
     * @param latencyChanged called when the latency this adds has changed (post a LATENCY message)
     */
    LiveGapFiller(Element element, double timeoutSeconds, long upstreamLatencyNanos, Timeline timeline, GapSource source, Output output,
            Object pushLock, Runnable latencyChanged) {
        this.element = element;
        this.timeoutNanos = Math.round(timeoutSeconds * 1e9);
        this.upstreamLatencyNanos = upstreamLatencyNanos;
        this.timeline = timeline;
        this.source = source;
        this.output = output;
        this.pushLock = pushLock;
        this.latencyChanged = latencyChanged;
    }

    /**
     * Latency this adds to a live stream: the timeout, then the time to generate a gap's first
     * frames (measured, with a margin of half of it for a busy machine).
     */
    long addedLatencyNanos() {
        synchronized (lock) {
            return addedLatencyNanosLocked();
        }
    }

    /** The pipeline's latency (the LATENCY event): how much input the queue holds while the sink waits. */
    void setPipelineLatency(long nanos) {
        synchronized (lock) {
            pipelineLatencyNanos = nanos;
            lock.notifyAll();
        }
    }

    /**
     * Queues an input buffer (sink streaming thread); {@code nextPts} is where the frame after it
     * starts. Waits while the queue holds more than the pipeline's latency of input. Returns the
     * flow of the pushes so far: not OK once downstream failed (the buffer is dropped).
     */
    int enqueue(Buffer b, long nextPts) throws InterruptedException {
        synchronized (lock) {
            inputHeld = true;
            try {
                while (queueFull() && !flushing && !stopped && downstreamFlow == Flow.OK) {
                    lock.wait();
                }
            } finally {
                inputHeld = false;
            }
            if (flushing || stopped || downstreamFlow != Flow.OK) {
                b.unref();
                return flushing || stopped ? Flow.FLUSHING : downstreamFlow;
            }
            if (gap != null && resumePts < 0) {
                resumePts = b.pts() == Buffer.CLOCK_TIME_NONE ? 0 : b.pts();
            }
            queue.add(b);
            this.nextPts = nextPts;
            lastArrival = System.nanoTime();
            if (!rehearsed) {
                rehearsed = true;
                rehearse();
            }
            scheduleCheck(timeoutNanos);
            lock.notifyAll();
            return Flow.OK;
        }
    }

    private boolean queueFull() {
        if (queue.size() < 2) {
            return false;
        }
        long span = queue.peekLast().pts() - queue.peekFirst().pts();
        long latency = pipelineLatencyNanos >= 0 ? pipelineLatencyNanos : upstreamLatencyNanos + addedLatencyNanosLocked();
        return span > latency + QUEUE_SLACK_NANOS;
    }

    private long addedLatencyNanosLocked() {
        return timeoutNanos + (generationNanos < 0 ? UNMEASURED_GENERATION_NANOS : generationNanos * 3 / 2);
    }

    /**
     * Sink streaming thread, before a serialized event (caps, segment, EOS, tags) goes on: waits
     * until every queued buffer has been pushed, so the event stays in its place in the stream.
     */
    void drain() throws InterruptedException {
        synchronized (lock) {
            inputHeld = true;
            try {
                while ((!queue.isEmpty() || pushingInput) && !flushing && !stopped) {
                    lock.wait();
                }
            } finally {
                inputHeld = false;
                lastArrival = System.nanoTime();    // time spent waiting here is no stall
            }
        }
    }

    /** The end PTS of the frames pushed into gaps (-1: none): a continuation at EOS starts there. */
    long filledUntil() {
        synchronized (lock) {
            return filledUntil;
        }
    }

    /** The pipeline's clock runs (PLAYING) or not: gaps are only detected and filled while it runs. */
    void setPlaying(boolean p) {
        synchronized (lock) {
            playing = p;
            if (p) {
                lastArrival = System.nanoTime();       // time spent paused is no stall
                scheduleCheck(timeoutNanos);
            } else {
                endGap();
            }
            lock.notifyAll();
        }
    }

    /** FLUSH_START: queued input is dropped and pushes wait for {@link #flushStopped}. */
    void flushStarted() {
        synchronized (lock) {
            flushing = true;
            clearQueue();
            endGap();
            nextPts = -1;
            filledUntil = -1;
            lock.notifyAll();
        }
    }

    /** FLUSH_STOP: input is taken again; filling starts again after the next input. */
    void flushStopped() {
        synchronized (lock) {
            flushing = false;
            downstreamFlow = Flow.OK;
            lock.notifyAll();
        }
    }

    /** Makes {@link #iterate} return false from now on, interrupting a generation in flight. */
    void stop() {
        synchronized (lock) {
            stopped = true;
            endGap();
            if (rehearsal != null) {
                rehearsal.interrupt();
                retired.add(rehearsal);
                rehearsal = null;
            }
            if (check != null) {
                check.cancel(false);
            }
            lock.notifyAll();
        }
    }

    /** The task failed (an error was posted): input is refused from now on. */
    void fail() {
        synchronized (lock) {
            downstreamFlow = Flow.ERROR;
            clearQueue();
        }
        stop();
    }

    private void clearQueue() {
        queue.forEach(Buffer::unref);
        queue.clear();
    }

    private void endGap() {
        if (gap != null) {
            gap.frames().interrupt();
            retired.add(gap.frames());
            gap = null;
            resumePts = -1;
            lock.notifyAll();
        }
    }

    /**
     * One turn of the src pad task: pushes the next queued input buffer, or the next gap frame
     * (waiting for it to be generated), or waits for either. Returns false once stopped: the task
     * should pause.
     */
    boolean iterate() throws ElementException, InterruptedException {
        closeRetired();
        Buffer input = null;
        Gap g = null;
        long j = 0;
        synchronized (lock) {
            while (true) {
                if (stopped) {
                    return false;
                }
                Buffer head = queue.peek();
                boolean inputFirst = head != null && (gap == null || head.pts() == Buffer.CLOCK_TIME_NONE
                        || head.pts() < gap.startPts());
                if (inputFirst) {
                    input = queue.poll();
                    pushingInput = true;
                    lock.notifyAll();              // room in the queue
                    break;
                }
                if (gap != null) {
                    if (resumePts >= 0 && gap.startPts() + gap.format().frameTime(gapFrames + 1) > resumePts) {
                        endGap();                  // input is back and the gap is complete up to it
                        continue;
                    }
                    g = gap;
                    j = gapFrames;
                    break;
                }
                lock.wait();
            }
        }
        if (input != null) {
            pushInput(input);
            return true;
        }
        Video frame;
        try {
            frame = g.frames().frame(j);
        } catch (FlushingException e) {
            return true;               // the gap ended (flush, pause, stop)
        }
        Buffer b = g.format().toBuffer(frame);
        long pts = g.startPts() + g.format().frameTime(j);
        b.setPts(pts).setDuration(g.startPts() + g.format().frameTime(j + 1) - pts);
        if (g.startOffset() != Buffer.CLOCK_TIME_NONE) {
            b.setOffset(g.startOffset() + j).setOffsetEnd(g.startOffset() + j + 1);
        }
        synchronized (lock) {
            if (gap != g) {
                b.unref();             // the gap ended while the frame was made
                return true;
            }
            gapFrames++;
            filledUntil = pts + b.duration();
        }
        synchronized (pushLock) {
            int flow = output.pushGenerated(b);
            if (flow != Flow.OK) {
                LOG.debug("push of a gap frame returned {}", flow);
            }
        }
        return true;
    }

    /** An input buffer from the queue: pushed, or dropped when a gap already filled its time. */
    private void pushInput(Buffer input) {
        boolean filled;
        synchronized (lock) {
            filled = input.pts() != Buffer.CLOCK_TIME_NONE && filledUntil >= 0 && input.pts() < filledUntil;
        }
        int flow = Flow.OK;
        if (filled) {
            input.unref();
        } else {
            synchronized (pushLock) {
                flow = output.pushInput(input);
            }
        }
        synchronized (lock) {
            pushingInput = false;
            if (flow != Flow.OK && flow != Flow.FLUSHING && downstreamFlow == Flow.OK) {
                downstreamFlow = flow;     // upstream learns it at its next buffer, as from a queue
            }
            lock.notifyAll();
        }
    }

    /** Schedules a stall check in {@code nanos} unless one is due sooner. */
    private void scheduleCheck(long nanos) {
        if (stopped) {
            return;
        }
        if (check != null && !check.isDone() && check.getDelay(TimeUnit.NANOSECONDS) <= nanos) {
            return;
        }
        if (check != null) {
            check.cancel(false);
        }
        check = WATCH.schedule(this::checkForStall, Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    /** Timer thread: starts a gap (its first window is made from now on) when the input has stalled. */
    private void checkForStall() {
        GstDebugLog.workingFor(element);        // this thread's lines go to the element's category
        synchronized (lock) {
            check = null;
            if (stopped || gap != null || !playing || nextPts < 0 || inputHeld || flushing) {
                return;                // the next input, PLAYING or the end of a wait schedules again
            }
            long wait = Math.max(waitNanos(nextPts), lastArrival + timeoutNanos - System.nanoTime());
            if (wait > 0) {
                scheduleCheck(wait);
                return;
            }
            long t0 = System.nanoTime();
            try {
                gap = source.start();
            } catch (ElementException | RuntimeException e) {
                LOG.warn("cannot continue the stalled input: {}", e.getMessage());
                nextPts = -1;          // wait for input
                return;
            }
            if (gap == null) {
                nextPts = -1;          // nothing to continue yet: wait for input
                return;
            }
            gapFrames = 0;
            resumePts = -1;
            Gap g = gap;
            g.frames().whenFirstWindowReady(first -> measure(g, first, t0));
            g.frames().prepare();
            LOG.info("input stalled for {} ms: generating from {} ns on", timeoutNanos / 1_000_000, g.startPts());
            lock.notifyAll();
        }
    }

    /**
     * The latency this adds must hold before the first stall: the pipeline's latency is set from
     * it, and a first gap slower than the latency reported drops its first frames downstream. So
     * a gap's first frame (encoding, a window, conversion to the stream's size) is made once at
     * the first input, while the input flows, and timed; the gap is then thrown away.
     */
    private void rehearse() {
        long t0 = System.nanoTime();
        Gap g;
        try {
            g = source.start();
        } catch (ElementException | RuntimeException e) {
            LOG.warn("cannot rehearse a gap: {}", e.getMessage());
            return;
        }
        if (g == null) {
            rehearsed = false;        // no frame to continue yet: at the next input
            return;
        }
        rehearsal = g.frames();
        g.frames().whenFirstWindowReady(first -> {
            measure(g, first, t0);
            synchronized (lock) {
                if (rehearsal == g.frames()) {
                    rehearsal.interrupt();     // not the window after it: input is flowing
                    retired.add(rehearsal);
                    rehearsal = null;
                }
                lock.notifyAll();
            }
        });
        g.frames().prepare();
    }

    /** Generation thread: a gap's first window is ready; timed with its first frame's conversion. */
    private void measure(Gap g, Video firstWindow, long startNanos) {
        try {
            g.format().toBuffer(firstWindow.slice(0, 1)).unref();
            measured(System.nanoTime() - startNanos);
        } catch (RuntimeException e) {
            LOG.debug("timing a gap's first frame failed: {}", e.getMessage());
        }
    }

    /** Nanoseconds until the frame with this PTS is {@code timeout} overdue at the sink pad (<= 0: it is). */
    private long waitNanos(long pts) {
        long now = timeline.now();
        long due = timeline.runningTime(pts);
        if (now < 0 || due < 0) {
            return timeoutNanos;       // no clock or not in the segment: nothing is late yet
        }
        return due + upstreamLatencyNanos + timeoutNanos - now;
    }

    /** The first measurement, or a slower one, changes the latency the pipeline must allow. */
    private void measured(long nanos) {
        boolean changed;
        synchronized (lock) {
            changed = generationNanos < 0 || nanos > generationNanos * 3 / 2;
            generationNanos = Math.max(generationNanos, nanos);
        }
        LOG.info("first frame of a gap ready after {} ms", nanos / 1_000_000);
        if (changed) {
            latencyChanged.run();
        }
    }

    private void closeRetired() {
        List<Continuation> done;
        synchronized (lock) {
            done = new ArrayList<>(retired);
            retired.clear();
        }
        done.forEach(Continuation::close);
    }

    /** Closes what is left (call after the task has stopped). */
    @Override
    public void close() {
        stop();
        synchronized (lock) {
            clearQueue();
        }
        closeRetired();
    }
}
