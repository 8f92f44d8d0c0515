package org.spacetime.gst.framework;

import com.sun.jna.Pointer;

/** The fields of a GstSegment that seeking elements read (copied out of native memory). */
public record Segment(double rate, int format, long start, long stop, long time, long position, long base) {
    static Segment read(Pointer p) {
        Layout l = Layout.get();
        return new Segment(p.getDouble(l.offset("GstSegment", "rate")), p.getInt(l.offset("GstSegment", "format")),
                p.getLong(l.offset("GstSegment", "start")), p.getLong(l.offset("GstSegment", "stop")),
                p.getLong(l.offset("GstSegment", "time")), p.getLong(l.offset("GstSegment", "position")),
                p.getLong(l.offset("GstSegment", "base")));
    }

    /** Sets the stop of the native segment at {@code p}: the one GstBaseSrc's do_seek receives, which it then pushes. */
    static void writeStop(Pointer p, long stop) {
        p.setLong(Layout.get().offset("GstSegment", "stop"), stop);
    }

    public boolean isTime() {
        return format == Layout.get().constant("GST_FORMAT_TIME");
    }
}
