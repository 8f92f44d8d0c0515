package org.spacetime.gst.elements;

import java.util.ArrayList;
import java.util.List;

import org.spacetime.gst.framework.Buffer;
import org.spacetime.gst.framework.ElementException;
import org.spacetime.gst.framework.ElementType;
import org.spacetime.gst.framework.ErrorCode;
import org.spacetime.gst.framework.Event;
import org.spacetime.gst.framework.Flow;
import org.spacetime.gst.framework.FlushingException;
import org.spacetime.gst.framework.PadElement;
import org.spacetime.gst.framework.Property;
import org.spacetime.gst.framework.Query;
import org.spacetime.gst.framework.StateChange;
import org.spacetime.gst.framework.VideoFormats;
import org.spacetime.models.GenerationRequest;
import org.spacetime.models.Manifest;
import org.spacetime.models.Task;
import org.spacetime.models.Video;
import org.spacetime.models.VideoModel;
import org.spacetime.models.VideoPipeline;

/**
 * spacetimerestyle: video to video (SDEdit). The input is cut into model windows (33 frames at the
 * model's 8 fps, about 4 s); each window's frames are noised to {@code strength} and denoised again
 * towards the prompt, and every input buffer goes out with its own timestamps, carrying the restyled
 * frame nearest to it in time at the stream's size and format. {@code strength=0} passes every
 * buffer through untouched; 1 keeps only the motion's timing. Windows are restyled independently
 * (same seed), so a strong restyle may change at a window boundary.
 * <p>
 * Only model-size copies of the input and the buffers' timing are kept while a window fills (a
 * camera's buffer pool is not starved); the latency query adds one window and its generation time.
 */
public final class SpacetimeRestyle extends PadElement {
    private static final String CAPS = VideoFormats.anyRawVideo();

    public static final ElementType<SpacetimeRestyle> TYPE = ElementType
            .builder("spacetimerestyle", SpacetimeRestyle.class, SpacetimeRestyle::new)
            .metadata("Spacetime video restyler", "Filter/Effect/Video",
                    "Re-generates passing video towards a prompt (video to video, SDEdit): the timing and motion "
                            + "stay, the look follows the prompt as far as strength allows", "Spacetime")
            .sinkPad(CAPS)
            .srcPad(CAPS)
            .properties(GenerationSettings.<SpacetimeRestyle>properties(e -> e.generation, "What the restyled "
                    + "frames should show (e.g. a World v1 caption)"))
            .properties(Property.<SpacetimeRestyle>ofDouble("strength", "Strength", "How far each frame is "
                    + "re-generated: the noise level the input is taken to before denoising (0: the input passes "
                    + "through untouched; 1: only the prompt and the timing remain)", 0, 1, 0.5,
                    e -> e.settings.strength, (e, v) -> e.settings.strength = v))
            .build();

    static final class Settings {
        volatile double strength = 0.5;
    }

    /** A buffer's timing, kept while its window fills (the pixels go to the model copy). */
    private record Timing(long pts, long duration, long offset, long offsetEnd) {}

    /** What exists between READY->PAUSED and PAUSED->READY. */
    private static final class State {
        final double strength;
        VideoModel model;
        Manifest manifest;
        StreamFormat format;
        final InputContext window = new InputContext();    // model-size copies of the window's input
        final List<Timing> timings = new ArrayList<>();     // the window's input buffers, in order
        long windowStart = -1;                              // PTS of the window's first buffer
        int windows;                                        // windows restyled so far
        long generationNanos = -1;                          // measured: one window
        WindowPrefetcher generator;
        Video given;                                        // the window being restyled

        State(double strength) {
            this.strength = strength;
        }

        void close() {
            Resources.closeAll(format, generator, model);
        }
    }

    final GenerationSettings generation = new GenerationSettings();
    private final Settings settings = new Settings();
    private volatile State state;

    @Override
    protected void beforeStateChange(StateChange change) throws ElementException {
        State s = state;
        if (change == StateChange.READY_TO_PAUSED) {
            State fresh = new State(settings.strength);
            generation.checkPrompts(fresh.strength > 0);
            if (fresh.strength > 0) {
                fresh.model = generation.loadModel();
                fresh.manifest = fresh.model.manifest();
                fresh.generator = new WindowPrefetcher(this, "restyle", 0, (i, progress, cancel) -> {
                    GenerationRequest request = generation.request(Task.VIDEO_TO_VIDEO, fresh.format.modelWidth,
                            fresh.format.modelHeight).startFrames(fresh.given).frames(fresh.given.frames())
                            .strength(fresh.strength).build();
                    return new VideoPipeline(fresh.model).generate(request, progress, cancel);
                });
            }
            state = fresh;
        } else if (change == StateChange.PAUSED_TO_READY && s != null && s.generator != null) {
            s.generator.interrupt();      // the streaming thread may be waiting for a window
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
    protected boolean srcQuery(Query query) {
        if (!defaultSrcQuery(query)) {
            return false;
        }
        State s = state;
        if (query.isLatency() && s != null && s.manifest != null) {
            // A buffer waits for its window to fill, then for the window to be restyled.
            long added = Math.round(s.manifest.framesPerWindow() * 1e9 / s.manifest.nativeFps())
                    + (s.generationNanos < 0 ? 1_000_000_000L : s.generationNanos * 3 / 2);
            Query.Latency l = query.latency();
            query.setLatency(new Query.Latency(l.live(), l.min() + added,
                    l.max() == Query.NO_MAXIMUM ? Query.NO_MAXIMUM : l.max() + added));
        }
        return true;
    }

    @Override
    protected int chain(Buffer buffer) throws ElementException {
        State s = state;
        if (s.strength == 0) {
            return push(buffer);          // nothing to re-generate: the input, untouched
        }
        if (s.format == null) {
            buffer.unref();
            throw new ElementException(ErrorCode.CORE_NEGOTIATION, "buffer before caps");
        }
        long pts = buffer.pts() == Buffer.CLOCK_TIME_NONE ? nextPts(s) : buffer.pts();
        long duration = buffer.duration() == Buffer.CLOCK_TIME_NONE ? s.format.frameTime(1) : buffer.duration();
        if (s.windowStart >= 0 && pts - s.windowStart >= windowNanos(s)) {
            int flow = restyleWindow(s);
            if (flow != Flow.OK) {
                buffer.unref();
                return flow;
            }
        }
        if (s.windowStart < 0) {
            s.windowStart = pts;
        }
        s.window.add(pts, s.format.toModel(buffer));
        s.timings.add(new Timing(pts, duration, buffer.offset(), buffer.offsetEnd()));
        buffer.unref();
        return Flow.OK;
    }

    /** The input time one window covers: its model frames at the model's rate. */
    private static long windowNanos(State s) {
        return Math.round(s.manifest.framesPerWindow() * 1e9 / s.manifest.nativeFps());
    }

    private static long nextPts(State s) {
        if (s.timings.isEmpty()) {
            return Math.max(0, s.windowStart);
        }
        Timing last = s.timings.get(s.timings.size() - 1);
        return last.pts() + last.duration();
    }

    @Override
    protected boolean sinkEvent(Event event) throws ElementException {
        State s = state;
        if (s.strength == 0) {
            return forward(event);
        }
        if (event.isCaps()) {
            if (!s.timings.isEmpty() && restyleWindow(s) != Flow.OK) {   // the held input is in the old format
                event.unref();
                return false;
            }
            StreamFormat before = s.format;
            s.format = new StreamFormat(event.caps(), s.manifest);
            if (before != null) {
                before.close();
            }
        } else if (event.isFlushStart()) {
            s.generator.interrupt();
        } else if (event.isFlushStop()) {
            s.generator.resume();
            s.window.clear();
            s.timings.clear();
            s.windowStart = -1;
        } else if (event.isEos() || event.isSegment()) {
            // The window in hand ends here: restyle it before the event goes on.
            if (!s.timings.isEmpty() && restyleWindow(s) != Flow.OK) {
                event.unref();
                return false;
            }
        }
        return forward(event);
    }

    /**
     * Restyles the frames held for the window and pushes one buffer per input buffer, each with the
     * input's timing and the restyled frame nearest to it in time.
     */
    private int restyleWindow(State s) throws ElementException {
        int tf = s.manifest.temporalFactor();
        long step = Math.round(1e9 / s.manifest.nativeFps());
        Video picked = s.window.pick(s.manifest.framesPerWindow(), step, false);
        int n = 1 + (picked.frames() - 1) / tf * tf;       // the model takes 1 + 4k frames
        s.given = picked.slice(0, n);
        List<Timing> timings = new ArrayList<>(s.timings);
        long start = s.windowStart;
        s.window.clear();
        s.timings.clear();
        s.windowStart = -1;
        Video restyled;
        long t0 = System.nanoTime();
        try {
            restyled = s.generator.take(s.windows, false);
        } catch (FlushingException e) {
            return Flow.FLUSHING;
        }
        measured(s, System.nanoTime() - t0);
        s.windows++;
        for (Timing t : timings) {
            int m = (int) Math.min(restyled.frames() - 1, Math.max(0, Math.round((t.pts() - start) / (double) step)));
            Buffer b = s.format.toBuffer(restyled.slice(m, m + 1));
            b.setPts(t.pts()).setDuration(t.duration()).setOffset(t.offset()).setOffsetEnd(t.offsetEnd());
            int flow = push(b);
            if (flow != Flow.OK) {
                return flow;
            }
        }
        return Flow.OK;
    }

    /** The first window's time, or a slower one, changes the latency a live pipeline must allow. */
    private void measured(State s, long nanos) {
        boolean changed = s.generationNanos < 0 || nanos > s.generationNanos * 3 / 2;
        s.generationNanos = Math.max(s.generationNanos, nanos);
        if (changed) {
            postLatencyChanged();
        }
    }
}
