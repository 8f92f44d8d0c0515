package org.spacetime.gst.elements;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import com.sun.jna.Pointer;

import org.spacetime.gst.framework.Buffer;
import org.spacetime.gst.framework.ElementException;
import org.spacetime.gst.framework.ElementType;
import org.spacetime.gst.framework.ErrorCode;
import org.spacetime.gst.framework.Event;
import org.spacetime.gst.framework.Flow;
import org.spacetime.gst.framework.FlushingException;
import org.spacetime.gst.framework.PadElement;
import org.spacetime.gst.framework.Query;
import org.spacetime.gst.framework.Property;
import org.spacetime.gst.framework.VideoFormats;
import org.spacetime.gst.framework.Segment;
import org.spacetime.gst.framework.StateChange;
import org.spacetime.gst.framework.VideoInfo;
import org.spacetime.models.GenerationRequest;
import org.spacetime.models.Manifest;
import org.spacetime.models.Task;
import org.spacetime.models.Video;
import org.spacetime.models.VideoModel;
import org.spacetime.models.VideoPipeline;
import org.spacetime.models.WindowedGenerator;

/**
 * spacetimeextend: passes its input through untouched and continues it with generated frames.
 * <ul>
 * <li>forward: every input buffer goes on as it came (the same buffer, timestamps untouched); the
 *     last two seconds are kept as references; at EOS {@code duration} seconds are generated from
 *     them and pushed with timestamps that continue the input's, then EOS.</li>
 * <li>backward: the first two seconds of input are held; a lead-in of {@code duration} seconds that
 *     ends in them is generated and pushed first, then the input, every timestamp shifted by the
 *     lead-in's length.</li>
 * <li>live (forward, live input): when no input arrives for {@code timeout}, generated frames
 *     continue the stream in real time until input comes back ({@link LiveGapFiller}); the
 *     latency this adds is answered in the latency query.</li>
 * </ul>
 * The model runs at its own rate and size: conditioning frames are picked from the input at the
 * model's frame times, and generated frames are shown at the stream's rate, size and format.
 */
public final class SpacetimeExtend extends PadElement {
    private static final String CAPS = VideoFormats.anyRawVideo();

    public static final ElementType<SpacetimeExtend> TYPE = ElementType
            .builder("spacetimeextend", SpacetimeExtend.class, SpacetimeExtend::new)
            .metadata("Spacetime video extender", "Filter/Effect/Video",
                    "Passes video through unchanged and extends it with generated frames: after its end (forward) "
                            + "or before its start (backward)", "Spacetime")
            .sinkPad(CAPS)
            .srcPad(CAPS)
            .properties(GenerationSettings.<SpacetimeExtend>properties(e -> e.generation, "What the generated frames "
                    + "show (optional; empty: continue what the input shows)"))
            .properties(
                    Property.<SpacetimeExtend>ofDouble("duration", "Duration", "Seconds of video to generate",
                            0, 86400, 4, e -> e.settings.duration, (e, v) -> e.settings.duration = v),
                    Property.<SpacetimeExtend, DirectionChoice>ofChoice("direction", "Direction",
                            "Where the generated video goes", DirectionChoice.class, DirectionChoice.FORWARD,
                            e -> e.settings.direction, (e, v) -> e.settings.direction = v),
                    Property.<SpacetimeExtend>ofDouble("timeout", "Stall timeout", "Live input, forward only: seconds "
                            + "without input after which generated frames continue the stream in real time until "
                            + "input comes back (0: never; the latency query reports the timeout plus the time to "
                            + "generate the first frames)", 0, 3600, 1, e -> e.settings.timeout,
                            (e, v) -> e.settings.timeout = v))
            .build();

    /** Model frames of input that condition the generation: 2 s at the default model's 8 fps. */
    private static final int CONTEXT_LATENTS = 4;

    static final class Settings {
        volatile double duration = 4;
        volatile DirectionChoice direction = DirectionChoice.FORWARD;
        volatile double timeout = 1;

        Config snapshot() {
            return new Config(duration, direction, timeout);
        }
    }

    /** The settings a stream runs with: copied at READY->PAUSED, fixed until PAUSED->READY. */
    record Config(double duration, DirectionChoice direction, double timeout) {
        boolean forward() {
            return direction == DirectionChoice.FORWARD;
        }
    }

    /** What exists between READY->PAUSED and PAUSED->READY. */
    private static final class State {
        final Config config;
        VideoModel model;
        Manifest manifest;
        StreamFormat format;
        final InputContext recent = new InputContext();             // the last (forward) or held (backward) frames
        final ArrayDeque<Buffer> held = new ArrayDeque<>();         // backward: the first buffers, held back
        long endPts = -1;               // where the input ends: last PTS + duration
        long lastOffset = -1;
        long shift;                     // backward: nanoseconds every input timestamp moves by
        boolean leadInDone;
        WindowPrefetcher prefetcher;    // backward: the lead-in's windows
        volatile Continuation continuation;   // forward: the frames after EOS
        volatile LiveGapFiller filler;  // forward, live input: fills stalls (src pad task)
        Event segment;                  // the input's latest SEGMENT event (a reference of ours; guarded by this)
        long announcedStop = -1;        // the stop of the segment downstream has now (-1: none; guarded by this)
        boolean liveChecked;
        volatile boolean playing;
        volatile boolean endRequested;  // the application sent EOS: generate no more, finish the stream
        final Object pushLock = new Object();   // src pad pushes of the sink streaming thread and the filler task

        State(Config config) {
            this.config = config;
        }

        /** The running time of an input PTS in the input's segment (-1: no segment, or outside it). */
        synchronized long runningTime(long pts) {
            return segment == null ? -1 : segment.toRunningTime(pts);
        }

        /**
         * A SEGMENT event like the input's, with no stop, when a frame ending at {@code end} would
         * fall past the stop downstream has now (null: none needed). Pushed before the frame.
         */
        synchronized Pointer openSegmentFor(long end) {
            if (segment == null || announcedStop == -1 || end <= announcedStop) {
                return null;
            }
            Segment current = segment.segment();
            if (!current.isTime() || current.rate() <= 0) {
                return null;
            }
            announcedStop = -1;
            return segment.segmentWithStop(-1);
        }

        void releaseHeld() {
            held.forEach(Buffer::unref);
            held.clear();
            recent.clear();
        }

        /**
         * Keeps a reference to the input's latest SEGMENT event (null: none), dropping the one
         * before, and the stop downstream is told.
         */
        synchronized void keepSegment(Event event, long stop) {
            announcedStop = stop;
            Event before = segment;
            segment = event == null ? null : event.retain();
            if (before != null) {
                before.unref();
            }
        }

        /** Stops generation in flight within one denoising step. */
        void interrupt() {
            if (prefetcher != null) {
                prefetcher.interrupt();
            }
            if (continuation != null) {
                continuation.interrupt();
            }
        }

        void resume() {
            if (prefetcher != null) {
                prefetcher.resume();
            }
            if (continuation != null) {
                continuation.resume();
            }
        }

        /** Replaces the backward windows or the forward continuation, stopping the one before (after a flush). */
        void replace(WindowPrefetcher p, Continuation c) {
            if (prefetcher != null) {
                prefetcher.close();
            }
            if (continuation != null) {
                continuation.close();
            }
            prefetcher = p;
            continuation = c;
        }

        void close() {
            releaseHeld();
            keepSegment(null, -1);
            Resources.closeAll(format, prefetcher, continuation, filler, model);
        }
    }

    final GenerationSettings generation = new GenerationSettings();
    private final Settings settings = new Settings();
    private volatile State state;

    @Override
    protected void beforeStateChange(StateChange change) throws ElementException {
        State s = state;
        if (change == StateChange.READY_TO_PAUSED) {
            // Settings and the model package are checked here, before streaming, so a bad one
            // fails the state change with its error (as filesrc does) instead of the first buffer.
            State fresh = new State(settings.snapshot());
            generation.checkPrompts(false);
            loadModel(fresh);
            state = fresh;
        } else if (change == StateChange.PLAYING_TO_PAUSED && s != null) {
            s.playing = false;
            if (s.filler != null) {
                s.filler.setPlaying(false);
            }
        } else if (change == StateChange.PAUSED_TO_READY && s != null) {
            // The streaming threads may be generating; pad deactivation waits for them.
            s.interrupt();
            if (s.filler != null) {
                s.filler.stop();
            }
        }
    }

    @Override
    protected void afterStateChange(StateChange change) {
        State s = state;
        if (change == StateChange.PAUSED_TO_PLAYING && s != null) {
            s.playing = true;
            if (s.filler != null) {
                s.filler.setPlaying(true);
            }
        } else if (change == StateChange.PAUSED_TO_READY && s != null) {
            stopTask();
            state = null;
            s.close();
        }
    }

    /** Forward extension after EOS can run for hours: gst-launch-1.0 -e's EOS must reach it. */
    @Override
    protected boolean endsOnApplicationEos() {
        return true;
    }

    /**
     * The application ends the stream (gst-launch-1.0 -e on Ctrl-C): the continuation stops within
     * one denoising step, the frames made so far are in the stream, and the input's EOS goes on,
     * so the file is finished cleanly. Input still to come passes through as usual.
     */
    @Override
    protected void applicationEos() {
        State s = state;
        if (s != null) {
            s.endRequested = true;
            Continuation c = s.continuation;
            if (c != null) {
                c.interrupt();
            }
        }
    }

    /** The src pad task: fills stalls of a live input (started at its first buffer). */
    @Override
    protected void taskIteration() throws ElementException {
        State s = state;
        LiveGapFiller filler = s == null ? null : s.filler;
        try {
            if (filler == null || !filler.iterate()) {
                pauseTask();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            filler.stop();
            pauseTask();
        } catch (ElementException | RuntimeException e) {
            filler.stop();               // ends the gap: input waiting for it passes through again
            throw e;                     // posted as an ERROR; the task pauses
        }
    }

    /** The latency query: a live input that may be continued adds the stall timeout and generation time. */
    @Override
    protected boolean srcQuery(Query query) {
        if (!defaultSrcQuery(query)) {
            return false;
        }
        State s = state;
        if (query.isDuration() && query.durationNanos() >= 0) {
            query.setDurationNanos(query.durationNanos() + generatedNanos(s));  // the extended stream's
        }
        if (query.isLatency() && s != null && s.filler != null) {
            Query.Latency l = query.latency();
            long added = s.filler.addedLatencyNanos();
            query.setLatency(new Query.Latency(l.live(), l.min() + added,
                    l.max() == Query.NO_MAXIMUM ? Query.NO_MAXIMUM : l.max() + added));
        }
        return true;
    }

    @Override
    protected int chain(Buffer buffer) throws ElementException {
        State s = state;
        if (s.format == null) {
            buffer.unref();
            throw new ElementException(ErrorCode.CORE_NEGOTIATION, "buffer before caps");
        }
        if (s.model == null) {
            try {
                loadModel(s);
            } catch (ElementException e) {
                buffer.unref();
                throw e;
            }
        }
        if (buffer.pts() == Buffer.CLOCK_TIME_NONE) {
            // Input without timestamps is stamped from its frame rate, after the frame before: the
            // held context is trimmed by time, and generated frames are stamped after the input.
            buffer = buffer.makeWritable();
            long pts = Math.max(0, s.endPts);
            buffer.setPts(pts).setDuration(s.format.frameTime(1));
        }
        if (!s.config.forward()) {
            return chainBackward(s, buffer);
        }
        if (!s.liveChecked) {
            s.liveChecked = true;
            startFillingStalls(s);
        }
        // A model-size copy, not a reference: holding a camera's buffers would starve its pool, and
        // a 1080p frame is 3 MB where the model needs 12 KB.
        Video copy = s.format.toModel(buffer);
        long window = Math.round(contextFrames(s) * 1e9 / s.manifest.nativeFps()) + 2 * s.format.frameTime(1);
        synchronized (s.recent) {       // the filler task reads them (and endPts) when input stalls
            remember(s, buffer);
            s.recent.add(buffer.pts(), copy);
            s.recent.trim(s.endPts, window);
        }
        if (s.filler == null) {
            return push(buffer);
        }
        try {
            if (!s.filler.beforeInput(buffer)) {
                buffer.unref();          // its time was already filled with generated frames
                return Flow.OK;
            }
            synchronized (s.pushLock) {
                return push(buffer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            buffer.unref();
            return Flow.FLUSHING;
        } finally {
            s.filler.afterInput(s.endPts);
        }
    }

    /** For a live input (asked upstream once, at the first buffer) with a timeout: starts the src pad task. */
    private void startFillingStalls(State s) {
        Query.Latency upstream = upstreamLatency();
        if (s.config.timeout() <= 0 || upstream == null || !upstream.live()) {
            return;
        }
        LiveGapFiller.Timeline timeline = new LiveGapFiller.Timeline() {
            @Override
            public long now() {
                return SpacetimeExtend.this.runningTime();
            }

            @Override
            public long runningTime(long pts) {
                return s.runningTime(pts);
            }
        };
        s.filler = new LiveGapFiller(s.config.timeout(), upstream.min(), timeline, () -> {
            synchronized (s.recent) {
                if (s.recent.isEmpty()) {
                    return null;         // new caps and no frame of them yet: nothing to continue
                }
                long startOffset = s.lastOffset == Buffer.CLOCK_TIME_NONE ? Buffer.CLOCK_TIME_NONE : s.lastOffset + 1;
                return new LiveGapFiller.Gap(continueFromRecent(s, "continue stalled input", -1), s.format, s.endPts,
                        startOffset);
            }
        }, b -> pushGenerated(s, b), s.pushLock, this::postLatencyChanged);
        s.filler.setPlaying(s.playing);
        postLatencyChanged();            // the timeout now counts in the pipeline's latency
        startTask();
    }

    private int chainBackward(State s, Buffer buffer) throws ElementException {
        if (s.leadInDone) {
            remember(s, buffer);
            return push(shifted(s, buffer));
        }
        remember(s, buffer);
        s.recent.add(buffer.pts(), s.format.toModel(buffer));
        s.held.add(buffer);
        long needed = Math.round((contextFrames(s) - 1) * 1e9 / s.manifest.nativeFps());
        if (s.endPts - s.format.frameTime(1) - s.held.peekFirst().pts() < needed) {
            return Flow.OK;
        }
        try {
            return generateLeadIn(s);
        } catch (FlushingException e) {
            return Flow.FLUSHING;
        }
    }

    @Override
    protected boolean sinkEvent(Event event) throws ElementException {
        State s = state;
        if (event.isSegment()) {
            return forwardSegment(s, event);
        }
        if (event.isCaps()) {
            VideoInfo info = VideoInfo.of(event.caps());
            if (!s.config.forward() && !s.leadInDone && !s.held.isEmpty()
                    && !sameFrames(info, s.format.info)) {
                // The held input is in the old format: lead in from it and push it all under the old
                // caps before the new ones go downstream (the new frames then follow, shifted).
                try {
                    if (generateLeadIn(s) != Flow.OK) {
                        event.unref();
                        return false;
                    }
                } catch (FlushingException e) {
                    event.unref();
                    return false;
                }
            }
            if (s.format != null && !sameFrames(info, s.format.info) && s.config.forward()) {
                s.recent.clear();     // frames of another format cannot condition this one
            }
            if (s.manifest == null) {
                loadModel(s);
            }
            StreamFormat before = s.format;
            s.format = new StreamFormat(event.caps(), s.manifest);
            if (before != null) {
                if (before.modelWidth != s.format.modelWidth || before.modelHeight != s.format.modelHeight) {
                    s.recent.clear();     // another aspect ratio: model frames of two sizes cannot condition one window
                }
                before.close();
            }
        } else if (event.isFlushStart()) {
            s.interrupt();
            if (s.filler != null) {
                s.filler.reset();
            }
        } else if (event.isFlushStop()) {
            s.resume();
            if (s.config.forward() || s.leadInDone) {
                s.releaseHeld();
            }
        } else if (event.isEos()) {
            if (s.filler != null) {
                s.filler.stop();
            }
            try {
                int flow = s.config.forward() ? generateForward(s)
                        : s.leadInDone ? Flow.OK : generateLeadIn(s);
                if (flow != Flow.OK) {
                    event.unref();
                    return false;
                }
            } catch (FlushingException e) {
                event.unref();
                return false;
            }
        }
        return forward(event);
    }

    /**
     * Forward: the segment goes on as it is; generated frames past its stop get a new one first
     * ({@link #pushGenerated}). Backward: every input timestamp moves by the lead-in, so the stop
     * does too (a demuxer's segment stops at the file's duration; unmoved, downstream would clip
     * away the last seconds of input).
     */
    private boolean forwardSegment(State s, Event event) {
        Segment segment = event.segment();
        boolean moved = !s.config.forward() && segment.isTime() && segment.stop() != -1;
        long stop = moved ? segment.stop() + generatedNanos(s) : segment.stop();
        s.keepSegment(event, stop);
        if (moved) {
            Pointer shifted = event.segmentWithStop(stop);
            event.unref();
            return pushEvent(shifted);
        }
        return forward(event);
    }

    /**
     * Pushes a generated frame that continues the input (after EOS or in a live gap). Frames past
     * the input's segment stop would be clipped away downstream (qtdemux's segment stops at the
     * file's duration), so an open-ended copy of the segment goes first.
     */
    private int pushGenerated(State s, Buffer b) {
        Pointer open = s.openSegmentFor(b.pts() + Math.max(0, b.duration()));
        if (open != null) {
            pushEvent(open);
        }
        return push(b);
    }

    /** Nanoseconds of video the element adds to its input's duration. */
    private long generatedNanos(State s) {
        double duration = s != null ? s.config.duration() : settings.duration;
        if (s != null && s.format != null) {
            return s.format.frameTime(Math.round(duration * s.format.fps));
        }
        return Math.round(duration * 1e9);
    }

    private static boolean sameFrames(VideoInfo a, VideoInfo b) {
        return a.format().equals(b.format()) && a.width() == b.width() && a.height() == b.height();
    }

    private void loadModel(State s) throws ElementException {
        if (s.model == null) {
            s.model = generation.loadModel();
            s.manifest = s.model.manifest();
        }
    }

    private static void remember(State s, Buffer b) {
        long pts = b.pts();
        if (pts != Buffer.CLOCK_TIME_NONE) {
            long d = b.duration() != Buffer.CLOCK_TIME_NONE ? b.duration() : s.format.frameTime(1);
            s.endPts = pts + d;
        }
        s.lastOffset = b.offset();
    }

    /** Model frames of input that condition a generation: 1 + 4k forward, 4k backward. */
    private int contextFrames(State s) {
        int tf = s.manifest.temporalFactor();
        return s.config.forward() ? 1 + CONTEXT_LATENTS * tf : CONTEXT_LATENTS * tf;
    }

    /** At EOS: {@code duration} seconds continuing the input, stamped after its last frame (or the last filled gap). */
    private int generateForward(State s) throws ElementException, FlushingException {
        if (s.recent.isEmpty() || s.config.duration() <= 0 || s.endRequested) {
            return Flow.OK;
        }
        long total = Math.round(s.config.duration() * s.format.fps);
        s.replace(null, continueFromRecent(s, "extend forward", total));
        s.releaseHeld();
        long start = s.filler == null ? s.endPts : Math.max(s.endPts, s.filler.filledUntil());
        long offset = s.lastOffset == Buffer.CLOCK_TIME_NONE ? Buffer.CLOCK_TIME_NONE
                : s.lastOffset + 1 + Math.round((start - s.endPts) * s.format.fps / 1e9);
        for (long j = 0; j < total && !s.endRequested; j++) {
            Video frame;
            try {
                frame = s.continuation.frame(j);
            } catch (FlushingException e) {
                if (s.endRequested) {
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
                flow = pushGenerated(s, b);
            }
            if (flow != Flow.OK) {
                return flow;
            }
        }
        return Flow.OK;
    }

    /**
     * Frames continuing the input from its latest frames.
     * @param streamFrames stream frames that will be asked for; -1: endless
     */
    private Continuation continueFromRecent(State s, String what, long streamFrames) {
        int tf = s.manifest.temporalFactor();
        Video given = s.recent.pick(contextFrames(s), 1_000_000_000L / s.manifest.nativeFps(), true);
        given = given.slice(given.frames() - (1 + (given.frames() - 1) / tf * tf), given.frames());   // 1 + 4k frames
        GenerationRequest request = generation.request(Task.EXTEND_FORWARD, s.format.modelWidth, s.format.modelHeight)
                .startFrames(given).build();
        return new Continuation(this, what, new VideoPipeline(s.model), request, s.manifest, s.format.fps, streamFrames,
                generation);
    }

    /** Backward: generates the lead-in, pushes it, then the held input, all shifted by its length. */
    private int generateLeadIn(State s) throws ElementException, FlushingException {
        s.leadInDone = true;
        if (s.held.isEmpty()) {
            return Flow.OK;
        }
        int tf = s.manifest.temporalFactor();
        Video given = s.recent.pick(contextFrames(s), 1_000_000_000L / s.manifest.nativeFps(), false);
        if (given.frames() < tf) {
            throw new ElementException(ErrorCode.STREAM_FAILED, "backward extension needs at least " + tf
                    + " frames at " + s.manifest.nativeFps() + " fps (" + (double) tf / s.manifest.nativeFps()
                    + " s) of input; the input had " + given.frames());
        }
        long total = Math.round(s.config.duration() * s.format.fps);
        long leadIn = s.format.frameTime(total);
        int modelFrames = (int) Math.ceil(s.config.duration() * s.manifest.nativeFps());
        GenerationRequest request = generation.request(Task.EXTEND_BACKWARD, s.format.modelWidth, s.format.modelHeight)
                .endFrames(given).build();
        WindowedGenerator generator = new WindowedGenerator(new VideoPipeline(s.model), request, 2, false,
                WindowedGenerator.Checkpoints.NONE);
        int windows = generator.windowsFor(modelFrames);
        s.replace(new WindowPrefetcher(this, "extend backward", windows, (i, progress, cancel) -> {
            generator.setPrompt(generation.prompt(), generation.negativePrompt());
            return generator.window(i, progress, cancel);
        }), null);
        List<Video> before = new ArrayList<>();    // model frames before the input, nearest first
        for (int window = 0; window < windows; window++) {
            Video fresh = s.prefetcher.take(window, window + 1 < windows);
            for (int f = fresh.frames() - 1; f >= 0; f--) {
                before.add(fresh.slice(f, f + 1));
            }
        }
        long start = s.held.peekFirst().pts();
        for (long j = 0; j < total; j++) {
            // Output frame j is (total - j) / fps before the first input frame.
            int m = (int) Math.max(1, Math.round((total - j) * s.manifest.nativeFps() / s.format.fps));
            Buffer b = s.format.toBuffer(before.get(Math.min(m, before.size()) - 1));
            long pts = start + s.format.frameTime(j);
            b.setPts(pts).setDuration(start + s.format.frameTime(j + 1) - pts);
            int flow = push(b);
            if (flow != Flow.OK) {
                return flow;
            }
        }
        s.shift = leadIn;
        while (!s.held.isEmpty()) {
            int flow = push(shifted(s, s.held.poll()));
            if (flow != Flow.OK) {
                s.releaseHeld();
                return flow;
            }
        }
        return Flow.OK;
    }

    /** The input buffer with its timestamps moved after the lead-in (data untouched). */
    private static Buffer shifted(State s, Buffer in) {
        Buffer b = in.makeWritable();
        if (b.pts() != Buffer.CLOCK_TIME_NONE) {
            b.setPts(b.pts() + s.shift);
        }
        return b;
    }
}
