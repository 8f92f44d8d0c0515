package org.spacetime.gst.framework;

import com.sun.jna.Pointer;

import org.spacetime.gst.jna.Gst;

/** A GstQuery handled by a pad function (ownership stays with the caller). */
public final class Query {
    private static final long TYPE = Layout.get().offset("GstQuery", "type");
    /** GST_CLOCK_TIME_NONE: no maximum latency. */
    public static final long NO_MAXIMUM = -1L;
    private final Pointer handle;

    Query(Pointer handle) {
        this.handle = handle;
    }

    public Pointer handle() {
        return handle;
    }

    public boolean isLatency() {
        return handle.getInt(TYPE) == Layout.get().constant("GST_QUERY_LATENCY");
    }

    public boolean isDuration() {
        return handle.getInt(TYPE) == Layout.get().constant("GST_QUERY_DURATION");
    }

    /** The duration a duration query holds, in nanoseconds; -1 when not in TIME or unknown. */
    public long durationNanos() {
        int[] format = new int[1];
        long[] duration = new long[1];
        Gst.gst_query_parse_duration(handle, format, duration);
        return format[0] == Layout.get().constant("GST_FORMAT_TIME") ? duration[0] : -1;
    }

    public void setDurationNanos(long nanos) {
        Gst.gst_query_set_duration(handle, Layout.get().constant("GST_FORMAT_TIME"), nanos);
    }

    /** What a latency query answered: whether the stream is live, its minimum and maximum latency (ns). */
    public record Latency(boolean live, long min, long max) {}

    public Latency latency() {
        int[] live = new int[1];
        long[] min = new long[1], max = new long[1];
        Gst.gst_query_parse_latency(handle, live, min, max);
        return new Latency(live[0] != 0, min[0], max[0]);
    }

    public void setLatency(Latency l) {
        Gst.gst_query_set_latency(handle, l.live(), l.min(), l.max());
    }
}
