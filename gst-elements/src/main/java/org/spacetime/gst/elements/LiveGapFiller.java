package org.spacetime.gst.elements;

import java.util.ArrayList;
import java.util.List;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.spacetime.gst.framework.Buffer;
import org.spacetime.gst.framework.ElementException;
import org.spacetime.gst.framework.Flow;
import org.spacetime.gst.framework.FlushingException;
import org.spacetime.models.Video;

/**
 * Keeps a live stream going when its input stalls: when the input's next frame has not arrived
 * {@code timeout} after it was due, frames continuing the input are generated and pushed in real
 * time, timestamped from where the input ended. When input comes back, the gap is first completed
 * with the frames that end by the returning buffer's timestamp, so the stream has no hole longer
 * than a frame; input for time already filled is dropped.
 * <p>
 * A stall is input that is both {@code timeout} overdue on the pipeline clock (a frame with PTS p
 * is due at the sink pad at {@code runningTime(p) + upstream latency}) and {@code timeout} apart
 * from the last input on the wall clock: input that flows but runs late (a busy machine) is not a
 * stall. Gap frame j is pushed {@code timeout} after its own due time on the pipeline clock, so
 * the fill is as late as the latency it reports (timeout plus generation), however late the last
 * input arrived. While the sink streaming thread is busy pushing (a synchronising sink holds each
 * buffer until its time), the input is not stalled.
 * Threads: {@link #beforeInput}/{@link #afterInput} run on the sink streaming thread,
 * {@link #iterate} on the src pad's task, the rest on the application thread; both streaming
 * threads push holding {@code pushLock}, and nothing holds it while waiting.
 */
final class LiveGapFiller implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(LiveGapFiller.class);
    /** Latency allowed for generating a gap's first frames until it has been measured. */
    private static final long UNMEASURED_GENERATION_NANOS = 1_000_000_000L;

    /** Where a gap starts and what fills it, made from the latest input when a stall is detected. */
    record Gap(Continuation frames, StreamFormat format, long startPts, long startOffset) {}

    interface GapSource {
        /** A gap from the latest input, or null when there is nothing to continue. */
        Gap start() throws ElementException;
    }

    interface Output {
        int push(Buffer buffer);
    }

    /** The pipeline clock as the element sees it. */
    interface Timeline {
        /** The element's running time now, or -1 without a clock. */
        long now();

        /** The running time of an input PTS in the input's segment, or -1 when it has none. */
        long runningTime(long pts);
    }

    private final long timeoutNanos;
    private final long upstreamLatencyNanos;
    private final Timeline timeline;
    private final GapSource source;
    private final Output output;
    private final Object pushLock;
    private final Runnable latencyChanged;

    private final Object lock = new Object();       // guards everything below
    private boolean playing, stopped;
    private boolean inputBusy;                      // the sink streaming thread is handling a buffer
    private long nextPts = -1;                      // the PTS the next input frame should have; -1: no input yet
    private long idleSince;                         // System.nanoTime() when the sink thread last finished a buffer
    private Gap gap;                                // the gap being filled, null while input flows
    private long gapFrames;                         // frames of the gap pushed so far
    private long resumePts = -1;                    // input came back at this PTS: complete the gap up to it
    private long filledUntil = -1;                  // end PTS of the last frame pushed into a gap
    private long generationNanos = -1;              // measured: stall detected -> first frame ready
    private boolean rehearsed;                      // a gap's first frame was made once, to measure it
    private Gap rehearsal;                          // that first gap, while it is made
    private long rehearsalStart;
    private final List<Continuation> retired = new ArrayList<>();

    /**
     * @param upstreamLatencyNanos the minimum latency upstream reported: how long after its running
     *     time an input frame may arrive
     * @param pushLock held around every push of the element's src pad
     * @param latencyChanged called when the latency this adds has changed (post a LATENCY message)
     */
    LiveGapFiller(double timeoutSeconds, long upstreamLatencyNanos, Timeline timeline, GapSource source, Output output,
            Object pushLock, Runnable latencyChanged) {
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
            return timeoutNanos + (generationNanos < 0 ? UNMEASURED_GENERATION_NANOS : generationNanos * 3 / 2);
        }
    }

    /**
     * An input buffer arrived (sink streaming thread, before pushing it): a gap being filled is
     * completed up to the buffer's time and ended. Returns false when the buffer's time was
     * already filled: it must be dropped. Call {@link #afterInput} when done with the buffer.
     */
    boolean beforeInput(Buffer b) throws InterruptedException {
        synchronized (lock) {
            inputBusy = true;
            if (gap != null) {
                resumePts = b.pts() == Buffer.CLOCK_TIME_NONE ? 0 : b.pts();
                lock.notifyAll();
                while (gap != null) {
                    lock.wait();
                }
            }
            return b.pts() == Buffer.CLOCK_TIME_NONE || filledUntil < 0 || b.pts() >= filledUntil;
        }
    }

    /**
     * The sink streaming thread is done with a buffer and waits for the next, which should have PTS
     * {@code nextPts} (the end of this one): a stall counts from that frame's due time.
     */
    void afterInput(long nextPts) {
        synchronized (lock) {
            inputBusy = false;
            this.nextPts = nextPts;
            idleSince = System.nanoTime();
            lock.notifyAll();
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
                idleSince = System.nanoTime();       // time spent paused is no stall
            }
            if (!p) {
                endGap();
            }
            lock.notifyAll();
        }
    }

    /** Flush: forget the input seen so far (filling starts again after the next input). */
    void reset() {
        synchronized (lock) {
            endGap();
            nextPts = -1;
            filledUntil = -1;
            lock.notifyAll();
        }
    }

    /** Makes {@link #iterate} return false from now on, interrupting a generation in flight. */
    void stop() {
        synchronized (lock) {
            stopped = true;
            endGap();
            lock.notifyAll();
        }
    }

    private void endGap() {
        if (rehearsal != null) {
            rehearsal.frames().interrupt();
        }
        if (gap != null) {
            gap.frames().interrupt();
            retired.add(gap.frames());
            gap = null;
            resumePts = -1;
            lock.notifyAll();
        }
    }

    /**
     * One turn of the src pad task: waits until a gap frame is due, then generates (or takes) it and
     * pushes it. Returns false once stopped: the task should pause.
     */
    boolean iterate() throws ElementException, InterruptedException {
        closeRetired();
        Gap g;
        long j;
        boolean first, rehearsing = false;
        synchronized (lock) {
            while (true) {
                if (stopped) {
                    return false;
                }
                if (!rehearsed && nextPts >= 0 && gap == null) {
                    rehearsal = startRehearsal();
                    if (rehearsal == null) {
                        nextPts = -1;          // wait for input
                        return true;
                    }
                    rehearsed = true;
                    rehearsing = true;
                    g = rehearsal;
                    break;
                }
                if (gap != null && resumePts >= 0) {          // input is back: complete the gap at once
                    if (gap.startPts() + gap.format().frameTime(gapFrames + 1) <= resumePts) {
                        g = null;
                        break;
                    }
                    endGap();
                    continue;
                }
                if (!playing || nextPts < 0 || inputBusy) {
                    lock.wait();
                    continue;
                }
                long wait = gap == null
                        ? Math.max(waitNanos(nextPts), idleSince + timeoutNanos - System.nanoTime())
                        : waitNanos(gap.startPts() + gap.format().frameTime(gapFrames));
                if (wait <= 0) {
                    g = null;
                    break;
                }
                // The clock is the system's in live pipelines: a timed wait, checked again on waking.
                lock.wait(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            if (g == null) {
                first = gap == null;
                if (first) {
                    gap = source.start();
                    if (gap == null) {
                        nextPts = -1;          // wait for input
                        return true;
                    }
                    gapFrames = 0;
                    LOG.info("input stalled for {} ms: generating from {} ns on", timeoutNanos / 1_000_000,
                            gap.startPts());
                }
                g = gap;
                j = gapFrames;
            } else {
                first = false;
                j = 0;
            }
        }
        if (rehearsing) {
            rehearse(g);
            return true;
        }
        long t0 = System.nanoTime();
        Video frame;
        try {
            frame = g.frames().frame(j);
        } catch (FlushingException e) {
            return true;               // the gap ended (flush, pause, stop)
        }
        if (first) {
            measured(System.nanoTime() - t0);
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
            int flow = output.push(b);
            if (flow != Flow.OK) {
                LOG.debug("push of a gap frame returned {}", flow);
            }
        }
        return true;
    }

    /** A gap from the first input, made (and thrown away) to measure its first frame's time. */
    private Gap startRehearsal() throws ElementException {
        rehearsalStart = System.nanoTime();
        return source.start();
    }

    /**
     * The latency this adds must hold before the first stall: the pipeline's latency is set from
     * it, and a first gap slower than the latency reported drops its first frames downstream. So
     * the time of a gap's first frame (encoding, a window, conversion to the stream's size) is
     * measured once on the first input, on this task's thread, while the input flows.
     */
    private void rehearse(Gap g) throws ElementException {
        try {
            g.format().toBuffer(g.frames().frame(0)).unref();
            measured(System.nanoTime() - rehearsalStart);
            g.frames().interrupt();    // not the window after it: input is flowing
        } catch (FlushingException e) {
            // stopped or flushed: measured with the next gap
        } finally {
            synchronized (lock) {
                rehearsal = null;
                retired.add(g.frames());
            }
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
        closeRetired();
    }
}
