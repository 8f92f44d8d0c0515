package org.spacetime.gst.elements;

import org.spacetime.gst.framework.Buffer;
import org.spacetime.gst.framework.ElementException;
import org.spacetime.gst.framework.Event;
import org.spacetime.gst.framework.Flow;
import org.spacetime.gst.framework.FlushingException;
import org.spacetime.gst.framework.Query;
import org.spacetime.gst.framework.VideoInfo;
import org.spacetime.models.GenerationRequest;
import org.spacetime.models.Task;
import org.spacetime.models.Video;
import org.spacetime.models.VideoPipeline;

/**
 * spacetimeextend direction=forward: every input buffer goes on as it came (the same buffer,
 * timestamps untouched) and the last two seconds are kept, at the model's size, as references.
 * At EOS {@code duration} seconds are generated from them and pushed with timestamps that continue
 * the input's. With live input, when no input arrives for {@code timeout}, generated frames
 * continue the stream in real time until input comes back ({@link LiveGapFiller}).
 */
final class ForwardExtension implements Extension {
    private final SpacetimeExtend element;
    private final ExtendStream s;
    private volatile Continuation continuation;   // the frames after EOS
    private volatile LiveGapFiller filler;        // live input: fills stalls (src pad task)
    private boolean liveChecked;
    private volatile boolean playing;
    private volatile boolean endRequested;        // the application sent EOS

    ForwardExtension(SpacetimeExtend element, ExtendStream stream) {
        this.element = element;
        this.s = stream;
    }

    @Override
    public int chain(Buffer buffer) throws ElementException {
        if (!liveChecked) {
            liveChecked = true;
            startFillingStalls();
        }
        // A model-size copy, not a reference: holding a camera's buffers would starve its pool, and
        // a 1080p frame is 3 MB where the model needs 12 KB.
        Video copy = s.format.toModel(buffer);
        long window = Math.round(contextFrames() * 1e9 / s.manifest.nativeFps()) + 2 * s.format.frameTime(1);
        synchronized (s.recent) {       // the filler task reads them (and endPts) when input stalls
            s.remember(buffer);
            s.recent.add(buffer.pts(), copy);
            s.recent.trim(s.endPts, window);
        }
        LiveGapFiller f = filler;
        if (f == null) {
            return element.pushOut(buffer);
        }
        try {
            return f.enqueue(buffer, s.endPts);      // the filler's task pushes it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Flow.FLUSHING;
        }
    }

    /** Queued input goes on before a serialized event (caps, segment, EOS, tags) does. */
    @Override
    public void drainInput() throws InterruptedException {
        LiveGapFiller f = filler;
        if (f != null) {
            f.drain();
        }
    }

    /** For a live input (asked upstream once, at the first buffer) with a timeout: starts the src pad task. */
    private void startFillingStalls() {
        Query.Latency upstream = element.upstreamLatencyOfInput();
        if (s.config.timeout() <= 0 || upstream == null || !upstream.live()) {
            return;
        }
        LiveGapFiller.Timeline timeline = new LiveGapFiller.Timeline() {
            @Override
            public long now() {
                return element.clockRunningTime();
            }

            @Override
            public long runningTime(long pts) {
                return s.runningTime(pts);
            }
        };
        filler = new LiveGapFiller(element, s.config.timeout(), upstream.min(), timeline, () -> {
            synchronized (s.recent) {
                if (s.recent.isEmpty()) {
                    return null;         // new caps and no frame of them yet: nothing to continue
                }
                long startOffset = s.lastOffset == Buffer.CLOCK_TIME_NONE ? Buffer.CLOCK_TIME_NONE : s.lastOffset + 1;
                return new LiveGapFiller.Gap(continueFromRecent("continue stalled input", -1), s.format, s.endPts,
                        startOffset);
            }
        }, new LiveGapFiller.Output() {
            @Override
            public int pushInput(Buffer buffer) {
                return element.pushOut(buffer);
            }

            @Override
            public int pushGenerated(Buffer buffer) {
                return ForwardExtension.this.pushGenerated(buffer);
            }
        }, s.pushLock, element::latencyChanged);
        filler.setPlaying(playing);
        element.latencyChanged();        // the timeout now counts in the pipeline's latency
        element.startFillerTask();
    }

    /** The segment goes on as it is; generated frames past its stop get a new one first ({@link #pushGenerated}). */
    @Override
    public boolean segment(Event event) {
        s.keepSegment(event, event.segment().stop());
        return element.forwardOut(event);
    }

    @Override
    public boolean beforeCaps(VideoInfo info) {
        if (s.format != null && !SpacetimeExtend.sameFrames(info, s.format.info)) {
            s.recent.clear();     // frames of another format cannot condition this one
        }
        return true;
    }

    /** At EOS: {@code duration} seconds continuing the input, stamped after its last frame (or the last filled gap). */
    @Override
    public int eos() throws ElementException, FlushingException {
        if (filler != null) {
            filler.stop();
        }
        if (s.recent.isEmpty() || s.config.duration() <= 0 || endRequested) {
            return Flow.OK;
        }
        long total = Math.round(s.config.duration() * s.format.fps);
        replaceContinuation(continueFromRecent("extend forward", total));
        s.recent.clear();
        long start = filler == null ? s.endPts : Math.max(s.endPts, filler.filledUntil());
        long offset = s.lastOffset == Buffer.CLOCK_TIME_NONE ? Buffer.CLOCK_TIME_NONE
                : s.lastOffset + 1 + Math.round((start - s.endPts) * s.format.fps / 1e9);
        for (long j = 0; j < total && !endRequested; j++) {
            Video frame;
            try {
                frame = continuation.frame(j);
            } catch (FlushingException e) {
                if (endRequested) {
                    break;                 // interrupted by the application's EOS: finish here
                }
                throw e;
            }
            Buffer b = s.format.toBuffer(frame);
            long pts = start + s.format.frameTime(j);
            b.setPts(pts).setDuration(start + s.format.frameTime(j + 1) - pts);
            if (offset != Buffer.CLOCK_TIME_NONE) {
                b.setOffset(offset + j).setOffsetEnd(offset + j + 1);
            }
            int flow;
            synchronized (s.pushLock) {
                flow = pushGenerated(b);
            }
            if (flow != Flow.OK) {
                return flow;
            }
        }
        return Flow.OK;
    }

    /**
     * Pushes a generated frame that continues the input (after EOS or in a live gap). Frames past
     * the input's segment stop would be clipped away downstream (qtdemux's segment stops at the
     * file's duration), so an open-ended copy of the segment goes first.
     */
    private int pushGenerated(Buffer b) {
        var open = s.openSegmentFor(b.pts() + Math.max(0, b.duration()));
        if (open != null) {
            element.pushEventOut(open);
        }
        return element.pushOut(b);
    }

    /** Model frames of input that condition a generation: 1 + 4k. */
    private int contextFrames() {
        return 1 + ExtendStream.CONTEXT_LATENTS * s.manifest.temporalFactor();
    }

    /**
     * Frames continuing the input from its latest frames.
     * @param streamFrames stream frames that will be asked for; -1: endless
     */
    private Continuation continueFromRecent(String what, long streamFrames) {
        int tf = s.manifest.temporalFactor();
        Video given = s.recent.pick(contextFrames(), 1_000_000_000L / s.manifest.nativeFps(), true);
        given = given.slice(given.frames() - (1 + (given.frames() - 1) / tf * tf), given.frames());   // 1 + 4k frames
        GenerationRequest request = element.generation.request(Task.EXTEND_FORWARD, s.format.modelWidth,
                s.format.modelHeight).startFrames(given).build();
        return new Continuation(element, what, new VideoPipeline(s.model), request, s.manifest, s.format.fps,
                streamFrames, element.generation);
    }

    private void replaceContinuation(Continuation next) {
        if (continuation != null) {
            continuation.close();
        }
        continuation = next;
    }

    @Override
    public void flushStart() {
        if (continuation != null) {
            continuation.interrupt();
        }
        if (filler != null) {
            filler.flushStarted();
        }
    }

    @Override
    public void flushStop() {
        if (filler != null) {
            filler.flushStopped();
        }
        if (continuation != null) {
            continuation.resume();
        }
        s.recent.clear();         // frames from before the flush cannot condition what follows it
    }

    @Override
    public void playing(boolean playing) {
        this.playing = playing;
        if (filler != null) {
            filler.setPlaying(playing);
        }
    }

    @Override
    public void stop() {
        if (continuation != null) {
            continuation.interrupt();
        }
        if (filler != null) {
            filler.stop();
        }
    }

    /**
     * The application ends the stream (gst-launch-1.0 -e on Ctrl-C): the continuation stops within
     * one denoising step, the frames made so far are in the stream, and the input's EOS goes on,
     * so the file is finished cleanly. Input still to come passes through as usual.
     */
    @Override
    public void applicationEos() {
        endRequested = true;
        Continuation c = continuation;
        if (c != null) {
            c.interrupt();
        }
    }

    @Override
    public LiveGapFiller filler() {
        return filler;
    }

    @Override
    public void close() {
        Resources.closeAll(continuation, filler);
    }
}
