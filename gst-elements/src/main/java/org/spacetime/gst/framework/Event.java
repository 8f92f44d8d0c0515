package org.spacetime.gst.framework;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import org.spacetime.gst.jna.Gst;

/** A GstEvent received on a pad (ownership stays with the pad function that got it). */
public final class Event {
    private static final long TYPE = Layout.get().offset("GstEvent", "type");
    private final Pointer handle;

    Event(Pointer handle) {
        this.handle = handle;
    }

    public Pointer handle() {
        return handle;
    }

    private boolean is(String type) {
        return handle.getInt(TYPE) == Layout.get().constant(type);
    }

    public boolean isEos() { return is("GST_EVENT_EOS"); }
    public boolean isCaps() { return is("GST_EVENT_CAPS"); }
    public boolean isSegment() { return is("GST_EVENT_SEGMENT"); }
    public boolean isGap() { return is("GST_EVENT_GAP"); }
    public boolean isFlushStart() { return is("GST_EVENT_FLUSH_START"); }
    public boolean isFlushStop() { return is("GST_EVENT_FLUSH_STOP"); }
    public boolean isStreamStart() { return is("GST_EVENT_STREAM_START"); }
    public boolean isLatency() { return is("GST_EVENT_LATENCY"); }

    /** The latency a LATENCY event configures (ns). */
    public long latencyNanos() {
        long[] l = new long[1];
        Gst.gst_event_parse_latency(handle, l);
        return l[0];
    }

    /** The caps of a CAPS event (valid while the event is). */
    public Caps caps() {
        Memory out = new Memory(Native.POINTER_SIZE);
        Gst.gst_event_parse_caps(handle, out);
        return new Caps(out.getPointer(0));
    }

    /** The segment of a SEGMENT event (copied out). */
    public Segment segment() {
        return Segment.read(parsedSegment());
    }

    /**
     * The running time of a TIME position in this SEGMENT event's segment (gst_segment_to_running_time),
     * or -1 when the position is outside it or the segment is not in time.
     */
    public long toRunningTime(long position) {
        return Gst.gst_segment_to_running_time(parsedSegment(), Layout.get().constant("GST_FORMAT_TIME"), position);
    }

    private Pointer parsedSegment() {
        Memory out = new Memory(Native.POINTER_SIZE);
        Gst.gst_event_parse_segment(handle, out);
        return out.getPointer(0);
    }

    /**
     * A new SEGMENT event (owned by the caller): this SEGMENT event's segment, every field kept but
     * {@code stop}, with this event's seqnum. Elements that push data past the segment upstream
     * set (a generated continuation) announce it with one, or downstream clips the data away.
     */
    public Pointer segmentWithStop(long stop) {
        Pointer copy = Gst.gst_segment_copy(parsedSegment());
        try {
            copy.setLong(Layout.get().offset("GstSegment", "stop"), stop);
            Pointer event = Gst.gst_event_new_segment(copy);
            Gst.gst_event_set_seqnum(event, Gst.gst_event_get_seqnum(handle));
            return event;
        } finally {
            Gst.gst_segment_free(copy);
        }
    }

    /** Another reference to this event, for keeping it past the pad function (unref it when done). */
    public Event retain() {
        Gst.gst_mini_object_ref(handle);
        return new Event(handle);
    }

    public void unref() {
        Gst.gst_mini_object_unref(handle);
    }
}
