package org.spacetime.gst.elements;

import java.util.ArrayDeque;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.spacetime.gst.framework.Buffer;
import org.spacetime.gst.framework.ElementException;
import org.spacetime.gst.framework.ElementType;
import org.spacetime.gst.framework.ErrorCode;
import org.spacetime.gst.framework.Event;
import org.spacetime.gst.framework.Flow;
import org.spacetime.gst.framework.FlushingException;
import org.spacetime.gst.framework.PadElement;
import org.spacetime.gst.framework.Property;
import org.spacetime.gst.framework.Segment;
import org.spacetime.gst.framework.StateChange;
import org.spacetime.gst.framework.VideoFormats;
import org.spacetime.models.GenerationRequest;
import org.spacetime.models.Manifest;
import org.spacetime.models.Task;
import org.spacetime.models.Video;
import org.spacetime.models.VideoModel;
import org.spacetime.models.VideoPipeline;

/**
 * spacetimeconnect: generates the frames that lead from the end of one clip to the start of the
 * next (Sora's connecting videos). Its input is clips one after another, each starting with a new
 * SEGMENT, as {@code concat} sends them. At each boundary the first second of the next clip is
 * held, a bridge of {@code duration} seconds is generated from the last frames of the clip before
 * (its start) and the held ones (its end), and pushed after the clip before; the next clip follows
 * with its pixels untouched (the same buffers).
 * <p>
 * The output is one stream in the first clip's segment (opened at its end): every later buffer is
 * re-stamped from its running time plus the bridges so far, so timestamps run on without a jump
 * or an overlap. One segment is also what encoders expect: x264enc and mp4mux (GStreamer 1.22)
 * mis-time a stream whose timestamps restart at each of concat's segments.
 */
public final class SpacetimeConnect extends PadElement {
    private static final Logger LOG = LogManager.getLogger(SpacetimeConnect.class);
    private static final String CAPS = VideoFormats.anyRawVideo();
    /** Latent frames of each clip that condition the bridge: 1 + 8 model frames before, 8 after. */
    private static final int CONTEXT_LATENTS = 2;

    public static final ElementType<SpacetimeConnect> TYPE = ElementType
            .builder("spacetimeconnect", SpacetimeConnect.class, SpacetimeConnect::new)
            .metadata("Spacetime clip connector", "Filter/Effect/Video",
                    "Generates a bridge between consecutive clips (each a new segment, e.g. from concat): frames "
                            + "that lead from the end of one to the start of the next", "Spacetime")
            .sinkPad(CAPS)
            .srcPad(CAPS)
            .properties(GenerationSettings.<SpacetimeConnect>properties(e -> e.generation, "What the bridge shows "
                    + "(optional; empty: whatever leads from one clip to the next)"))
            .properties(Property.<SpacetimeConnect>ofDouble("duration", "Duration", "Seconds of bridge between "
                    + "two clips (the default model fits at most 2 s: one window less the frames given at both "
                    + "ends)", 0.5, 60, 2, e -> e.settings.duration, (e, v) -> e.settings.duration = v))
            .build();

    static final class Settings {
        volatile double duration = 2;
    }

    /** What exists between READY->PAUSED and PAUSED->READY. */
    private static final class State {
        final double duration;
        VideoModel model;
        Manifest manifest;
        StreamFormat format;
        int bridgeLatents;                               // latent frames of model video in a bridge
        final InputContext recent = new InputContext();  // the current clip's last frames
        final InputContext next = new InputContext();    // the next clip's first frames, while held
        final ArrayDeque<Buffer> held = new ArrayDeque<>();
        Event output;                                    // the first clip's SEGMENT: the output's (a reference of ours)
        Segment outputSegment;                           // its fields, read once
        boolean opened;                                  // its copy without a stop went out
        boolean restamp;                                 // the current clip is not the first: restamp its buffers
        Event segment;                                   // the current clip's SEGMENT (a reference of ours)
        Event heldSegment;                               // the next clip's, held until the bridge is out
        long endPts = -1;                                // output PTS where the last frame pushed ends
        long shift;                                      // video added by the bridges so far
        boolean seenData, holding;

        State(double duration) {
            this.duration = duration;
        }

        void forget() {
            held.forEach(Buffer::unref);
            held.clear();
            recent.clear();
            next.clear();
            for (Event e : new Event[] {output, segment, heldSegment}) {
                if (e != null) {
                    e.unref();
                }
            }
            output = segment = heldSegment = null;
            opened = restamp = false;
            outputSegment = null;
            endPts = -1;
            shift = 0;
            seenData = holding = false;
        }

        void close() {
            forget();
            Resources.closeAll(format, model);
        }
    }

    final GenerationSettings generation = new GenerationSettings();
    private final Settings settings = new Settings();
    private volatile State state;
    private volatile WindowPrefetcher inFlight;       // the bridge being generated (interrupted on flush)

    @Override
    protected void beforeStateChange(StateChange change) throws ElementException {
        if (change == StateChange.READY_TO_PAUSED) {
            State s = new State(settings.duration);
            generation.checkPrompts(false);
            s.model = generation.loadModel();
            s.manifest = s.model.manifest();
            int tf = s.manifest.temporalFactor();
            s.bridgeLatents = (int) Math.ceil(s.duration * s.manifest.nativeFps() / tf);
            int frames = 1 + tf * (2 * CONTEXT_LATENTS + s.bridgeLatents);
            if (frames > s.manifest.framesPerWindow()) {
                double max = (s.manifest.framesPerWindow() - 1 - 2 * CONTEXT_LATENTS * tf) / (double) s.manifest.nativeFps();
                s.close();
                throw new ElementException(ErrorCode.RESOURCE_SETTINGS, "duration " + s.duration + " s does not fit "
                        + "one window of model " + s.manifest.name() + " with the frames given at both ends; accepted: "
                        + "0.5 to " + max + " s");
            }
            state = s;
        } else if (change == StateChange.PAUSED_TO_READY) {
            WindowPrefetcher p = inFlight;
            if (p != null) {
                p.interrupt();
            }
        }
    }

    @Override
    protected void afterStateChange(StateChange change) {
        State s = state;
        if (change == StateChange.PAUSED_TO_READY && s != null) {
            state = null;
            s.close();
        }
    }

    @Override
    protected int chain(Buffer buffer) throws ElementException {
        State s = state;
        if (s.format == null) {
            buffer.unref();
            throw new ElementException(ErrorCode.CORE_NEGOTIATION, "buffer before caps");
        }
        if (buffer.pts() == Buffer.CLOCK_TIME_NONE) {
            buffer.unref();
            throw new ElementException(ErrorCode.STREAM_FORMAT, "spacetimeconnect needs timestamped input "
                    + "(a clip's frames are placed in time); put the clips through a demuxer or a source that stamps them");
        }
        long end = buffer.pts() + (buffer.duration() != Buffer.CLOCK_TIME_NONE ? buffer.duration() : s.format.frameTime(1));
        if (s.holding) {
            s.next.add(buffer.pts(), s.format.toModel(buffer));
            s.held.add(buffer);
            long needed = Math.round((CONTEXT_LATENTS * s.manifest.temporalFactor() - 1) * 1e9 / s.manifest.nativeFps());
            return end - s.format.frameTime(1) - s.held.peekFirst().pts() >= needed ? bridge(s) : Flow.OK;
        }
        s.seenData = true;
        s.recent.add(buffer.pts(), s.format.toModel(buffer));
        s.recent.trim(end, 2_000_000_000L);
        return pushRestamped(s, buffer);
    }

    @Override
    protected boolean sinkEvent(Event event) throws ElementException {
        State s = state;
        if (event.isSegment()) {
            if (s.holding && bridge(s) != Flow.OK) {      // a clip shorter than the context: bridge to what it has
                event.unref();
                return false;
            }
            if (s.seenData && !s.holding && event.segment().isTime()) {
                s.holding = true;                          // a boundary: hold the next clip's start
                s.heldSegment = event;
                return true;
            }
            if (s.output == null) {
                s.output = event.retain();                 // the first clip's segment is the output's
                s.outputSegment = event.segment();
                keepSegment(s, event);
                return forward(event);
            }
            keepSegment(s, event);                         // before any data again: restamped into the output's
            s.restamp = true;
            event.unref();
            return true;
        }
        if (event.isCaps()) {
            if (s.holding && !s.held.isEmpty() && bridge(s) != Flow.OK) {
                event.unref();
                return false;
            }
            StreamFormat before = s.format;
            s.format = new StreamFormat(event.caps(), s.manifest);
            if (before != null) {
                if (before.modelWidth != s.format.modelWidth || before.modelHeight != s.format.modelHeight) {
                    s.recent.clear();      // another aspect ratio: frames of two sizes cannot condition one window
                }
                before.close();
            }
        } else if (event.isFlushStart()) {
            WindowPrefetcher p = inFlight;
            if (p != null) {
                p.interrupt();
            }
        } else if (event.isFlushStop()) {
            s.forget();
        } else if (event.isEos()) {
            if (s.holding && bridge(s) != Flow.OK) {
                event.unref();
                return false;
            }
        }
        return forward(event);
    }

    /**
     * Pushes an input buffer (pixels untouched) stamped in the output's segment: the PTS whose
     * running time there is the buffer's running time in its own clip's segment plus the bridges so far.
     */
    private int pushRestamped(State s, Buffer in) {
        Buffer b = in;
        if (s.restamp) {
            long rt = s.segment.toRunningTime(in.pts());
            Segment out = s.outputSegment;
            b = in.makeWritable().setPts(rt < 0 ? in.pts() + s.shift : out.start() + rt + s.shift - out.base());
        }
        s.endPts = b.pts() + (b.duration() != Buffer.CLOCK_TIME_NONE ? b.duration() : s.format.frameTime(1));
        openOutput(s, s.endPts);
        return push(b);
    }

    /** Before output past the first clip's segment stop: the same segment without a stop. */
    private void openOutput(State s, long end) {
        if (!s.opened && s.outputSegment.stop() != -1 && end > s.outputSegment.stop()) {
            s.opened = true;
            pushEvent(s.output.segmentWithStop(-1));
        }
    }

    private static void keepSegment(State s, Event event) {
        if (s.segment != null) {
            s.segment.unref();
        }
        s.segment = event.retain();
    }

    /**
     * Generates the bridge from the current clip's last frames to the held ones, pushes it after the
     * current clip, then the next clip's held buffers (restamped into the output's segment).
     */
    private int bridge(State s) throws ElementException {
        s.holding = false;
        int tf = s.manifest.temporalFactor();
        long step = Math.round(1e9 / s.manifest.nativeFps());
        Video before = s.recent.isEmpty() ? null : s.recent.pick(1 + CONTEXT_LATENTS * tf, step, true);
        Video after = s.next.isEmpty() ? null : s.next.pick(CONTEXT_LATENTS * tf, step, false);
        int flow = Flow.OK;
        if (before == null || after == null || after.frames() < tf) {
            LOG.warn("clip boundary at {} ns: too little video on one side to connect ({} and {} model frames); "
                    + "no bridge", s.endPts, before == null ? 0 : before.frames(), after == null ? 0 : after.frames());
        } else {
            before = before.slice(before.frames() - (1 + (before.frames() - 1) / tf * tf), before.frames());
            after = after.slice(0, after.frames() / tf * tf);
            flow = pushBridge(s, before, after);
        }
        Event next = s.heldSegment;
        s.heldSegment = null;
        if (next != null) {
            keepSegment(s, next);                          // the next clip's timing, restamped into the output's
            s.restamp = true;
            next.unref();
        }
        s.recent.clear();
        while (!s.held.isEmpty()) {
            Buffer b = s.held.poll();
            if (flow != Flow.OK) {
                b.unref();
                continue;
            }
            s.recent.add(b.pts(), s.format.toModel(b));
            flow = pushRestamped(s, b);
        }
        s.next.clear();
        return flow;
    }

    private int pushBridge(State s, Video before, Video after) throws ElementException {
        int tf = s.manifest.temporalFactor();
        int bridgeFrames = s.bridgeLatents * tf;
        GenerationRequest request = generation.request(Task.CONNECT, s.format.modelWidth, s.format.modelHeight)
                .startFrames(before).endFrames(after).frames(before.frames() + bridgeFrames + after.frames()).build();
        Video bridge;
        WindowPrefetcher generator = new WindowPrefetcher(this, "connect", 1,
                (i, progress, cancel) -> new VideoPipeline(s.model).generate(request, progress, cancel)
                        .slice(before.frames(), before.frames() + bridgeFrames));
        inFlight = generator;
        try {
            bridge = generator.take(0, false);
        } catch (FlushingException e) {
            return Flow.FLUSHING;
        } finally {
            inFlight = null;
            generator.close();
        }
        long total = Math.round(s.duration * s.format.fps);
        long start = s.endPts;
        openOutput(s, start + s.format.frameTime(total));
        for (long j = 0; j < total; j++) {
            // Stream frame j is (j + 1) / fps after the clip's last frame; model frame i is (i + 1) / model fps.
            int m = (int) Math.max(0, Math.min(bridgeFrames - 1,
                    Math.round((j + 1) * s.manifest.nativeFps() / s.format.fps) - 1));
            Buffer b = s.format.toBuffer(bridge.slice(m, m + 1));
            long pts = start + s.format.frameTime(j);
            b.setPts(pts).setDuration(start + s.format.frameTime(j + 1) - pts);
            int flow = push(b);
            if (flow != Flow.OK) {
                return flow;
            }
        }
        s.shift += s.format.frameTime(total);
        return Flow.OK;
    }
}
