package org.spacetime.gst.elements;

import com.sun.jna.Pointer;

import org.spacetime.gst.framework.Buffer;
import org.spacetime.gst.framework.Event;
import org.spacetime.gst.framework.Segment;
import org.spacetime.models.Manifest;
import org.spacetime.models.VideoModel;

/**
 * What spacetimeextend knows of the stream it extends, in either direction: its settings, model
 * and format, the latest input frames (at the model's size), where the input ends, and the
 * segment downstream has. Exists from READY->PAUSED to PAUSED->READY.
 */
final class ExtendStream implements AutoCloseable {
    /** Model frames of input that condition the generation: 2 s at the default model's 8 fps. */
    static final int CONTEXT_LATENTS = 4;

    final SpacetimeExtend.Config config;
    VideoModel model;
    Manifest manifest;
    StreamFormat format;
    final InputContext recent = new InputContext();   // the last (forward) or held (backward) frames
    long endPts = -1;                  // where the input ends: last PTS + duration
    long lastOffset = -1;
    final Object pushLock = new Object();   // src pad pushes of the sink streaming thread and the filler task
    private Event segment;             // the input's latest SEGMENT event (a reference of ours; guarded by this)
    private long announcedStop = -1;   // the stop of the segment downstream has now (-1: none; guarded by this)

    ExtendStream(SpacetimeExtend.Config config) {
        this.config = config;
    }

    /** Notes where an input buffer ends (its PTS + duration) and its offset. */
    void remember(Buffer b) {
        long pts = b.pts();
        if (pts != Buffer.CLOCK_TIME_NONE) {
            long d = b.duration() != Buffer.CLOCK_TIME_NONE ? b.duration() : format.frameTime(1);
            endPts = pts + d;
        }
        lastOffset = b.offset();
    }

    /** Nanoseconds of video the element adds to its input's duration. */
    long generatedNanos() {
        return format != null ? format.frameTime(Math.round(config.duration() * format.fps))
                : Math.round(config.duration() * 1e9);
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

    @Override
    public void close() {
        recent.clear();
        keepSegment(null, -1);
        Resources.closeAll(format, model);
    }
}
