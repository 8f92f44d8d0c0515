package org.spacetime.gst.elements;


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
import org.spacetime.gst.framework.StateChange;
import org.spacetime.gst.framework.VideoInfo;

/**
 * spacetimeextend: passes its input through untouched and continues it with generated frames,
 * after its end ({@link ForwardExtension}, which also fills the stalls of live input with
 * {@link LiveGapFiller}) or before its start ({@link BackwardExtension}). This class is what both
 * share: properties, state changes, caps, the model, timestamps for untimed input, and the queries.
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

    /** A stream and what its direction does with it: between READY->PAUSED and PAUSED->READY. */
    private record State(ExtendStream stream, Extension extension) {
        void close() {
            Resources.closeAll(extension, stream);
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
            ExtendStream stream = new ExtendStream(settings.snapshot());
            generation.checkPrompts(false);
            loadModel(stream);
            state = new State(stream, stream.config.forward() ? new ForwardExtension(this, stream)
                    : new BackwardExtension(this, stream));
        } else if (change == StateChange.PLAYING_TO_PAUSED && s != null) {
            s.extension.playing(false);
        } else if (change == StateChange.PAUSED_TO_READY && s != null) {
            // The streaming threads may be generating; pad deactivation waits for them.
            s.extension.stop();
        }
    }

    @Override
    protected void afterStateChange(StateChange change) {
        State s = state;
        if (change == StateChange.PAUSED_TO_PLAYING && s != null) {
            s.extension.playing(true);
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

    @Override
    protected void applicationEos() {
        State s = state;
        if (s != null) {
            s.extension.applicationEos();
        }
    }

    /** The src pad task: fills stalls of a live input (started at its first buffer). */
    @Override
    protected void taskIteration() throws ElementException {
        State s = state;
        LiveGapFiller filler = s == null ? null : s.extension.filler();
        try {
            if (filler == null || !filler.iterate()) {
                pauseTask();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            filler.stop();
            pauseTask();
        } catch (ElementException | RuntimeException e) {
            filler.fail();               // input is refused (upstream gets ERROR) rather than queued for nobody
            throw e;                     // posted as an ERROR; the task pauses
        }
    }

    /** The pipeline's latency, configured by the sinks: how much input a live filler queues. */
    @Override
    protected boolean srcEvent(Event event) {
        State s = state;
        LiveGapFiller filler = s == null ? null : s.extension.filler();
        if (event.isLatency() && filler != null) {
            filler.setPipelineLatency(event.latencyNanos());
        }
        return super.srcEvent(event);
    }

    /**
     * The duration query answers for the extended stream; the latency query adds, for a live
     * input that may be continued, the stall timeout and the generation time.
     */
    @Override
    protected boolean srcQuery(Query query) {
        if (!defaultSrcQuery(query)) {
            return false;
        }
        State s = state;
        if (query.isDuration() && query.durationNanos() >= 0) {
            long added = s != null ? s.stream.generatedNanos() : Math.round(settings.duration * 1e9);
            query.setDurationNanos(query.durationNanos() + added);
        }
        LiveGapFiller filler = s == null ? null : s.extension.filler();
        if (query.isLatency() && filler != null) {
            Query.Latency l = query.latency();
            long added = filler.addedLatencyNanos();
            query.setLatency(new Query.Latency(l.live(), l.min() + added,
                    l.max() == Query.NO_MAXIMUM ? Query.NO_MAXIMUM : l.max() + added));
        }
        return true;
    }

    @Override
    protected int chain(Buffer buffer) throws ElementException {
        State st = state;
        ExtendStream s = st.stream;
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
        return st.extension.chain(buffer);
    }

    @Override
    protected boolean sinkEvent(Event event) throws ElementException {
        State st = state;
        ExtendStream s = st.stream;
        if (!event.isFlushStart() && !event.isFlushStop()) {
            try {
                st.extension.drainInput();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                event.unref();
                return false;
            }
        }
        if (event.isSegment()) {
            return st.extension.segment(event);
        }
        if (event.isCaps()) {
            if (!st.extension.beforeCaps(VideoInfo.of(event.caps()))) {
                event.unref();
                return false;
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
            st.extension.flushStart();
        } else if (event.isFlushStop()) {
            st.extension.flushStop();
        } else if (event.isEos()) {
            try {
                if (st.extension.eos() != Flow.OK) {
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

    static boolean sameFrames(VideoInfo a, VideoInfo b) {
        return a.format().equals(b.format()) && a.width() == b.width() && a.height() == b.height();
    }

    private void loadModel(ExtendStream s) throws ElementException {
        if (s.model == null) {
            s.model = generation.loadModel();
            s.manifest = s.model.manifest();
        }
    }

    // What the directions need of the element (PadElement's methods are protected).

    int pushOut(Buffer b) {
        return push(b);
    }

    boolean pushEventOut(Pointer event) {
        return pushEvent(event);
    }

    boolean forwardOut(Event event) {
        return forward(event);
    }

    Query.Latency upstreamLatencyOfInput() {
        return upstreamLatency();
    }

    long clockRunningTime() {
        return runningTime();
    }

    void latencyChanged() {
        postLatencyChanged();
    }

    void startFillerTask() {
        startTask();
    }
}
