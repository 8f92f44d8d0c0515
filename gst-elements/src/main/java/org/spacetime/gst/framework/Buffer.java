package org.spacetime.gst.framework;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import org.spacetime.gst.jna.Gst;

/**
 * A GstBuffer handle. Per-frame data goes through gst_buffer_map directly (no gst1-java-core
 * wrapper on the hot path); timestamps are written at the offsets the C compiler reported.
 */
public final class Buffer {
    private static final Layout L = Layout.get();
    private static final long PTS = L.offset("GstBuffer", "pts");
    private static final long DURATION = L.offset("GstBuffer", "duration");
    private static final long OFFSET = L.offset("GstBuffer", "offset");
    private static final long OFFSET_END = L.offset("GstBuffer", "offset_end");
    private static final long MAP_DATA = L.offset("GstMapInfo", "data");
    private static final long MAP_SIZE = L.offset("GstMapInfo", "size");
    private static final int MAP_READ = L.constant("GST_MAP_READ");
    private static final int MAP_WRITE = L.constant("GST_MAP_WRITE");
    private static final ThreadLocal<Memory> MAP_INFO = ThreadLocal.withInitial(() -> new Memory(L.size("GstMapInfo")));
    public static final long CLOCK_TIME_NONE = -1L;

    private final Pointer handle;

    private Buffer(Pointer handle) {
        this.handle = handle;
    }

    /** A new buffer of {@code size} bytes (ownership passes to whoever receives the handle). */
    public static Buffer allocate(long size) {
        Pointer p = Gst.gst_buffer_new_allocate(null, size, null);
        if (p == null) {
            throw new OutOfMemoryError("gst_buffer_new_allocate(" + size + ") failed");
        }
        return new Buffer(p);
    }

    public static Buffer wrap(Pointer handle) {
        return new Buffer(handle);
    }

    public Pointer handle() {
        return handle;
    }

    public long size() {
        return Gst.gst_buffer_get_size(handle);
    }

    /** Copies {@code data} into the buffer at byte 0. */
    public void write(byte[] data) {
        Memory info = MAP_INFO.get();
        if (!Gst.gst_buffer_map(handle, info, MAP_WRITE)) {
            throw new IllegalStateException("buffer is not writable");
        }
        try {
            long size = info.getLong(MAP_SIZE);
            if (data.length > size) {
                throw new IllegalArgumentException("data of " + data.length + " bytes exceeds buffer of " + size);
            }
            info.getPointer(MAP_DATA).write(0, data, 0, data.length);
        } finally {
            Gst.gst_buffer_unmap(handle, info);
        }
    }

    /** The buffer's bytes, copied. */
    public byte[] read() {
        Memory info = MAP_INFO.get();
        if (!Gst.gst_buffer_map(handle, info, MAP_READ)) {
            throw new IllegalStateException("buffer cannot be mapped for reading");
        }
        try {
            return info.getPointer(MAP_DATA).getByteArray(0, (int) info.getLong(MAP_SIZE));
        } finally {
            Gst.gst_buffer_unmap(handle, info);
        }
    }

    /** Makes the buffer writable (copying it if shared) and returns the possibly new handle. */
    public Buffer makeWritable() {
        return new Buffer(Gst.gst_mini_object_make_writable(handle));
    }

    /** A new reference to the same buffer (the caller owns it and must unref it). */
    public Buffer ref() {
        return new Buffer(Gst.gst_mini_object_ref(handle));
    }

    public void unref() {
        Gst.gst_mini_object_unref(handle);
    }

    public long pts() { return handle.getLong(PTS); }
    public long duration() { return handle.getLong(DURATION); }
    public long offset() { return handle.getLong(OFFSET); }
    public long offsetEnd() { return handle.getLong(OFFSET_END); }

    public Buffer setPts(long pts) { handle.setLong(PTS, pts); return this; }
    public Buffer setDuration(long d) { handle.setLong(DURATION, d); return this; }
    public Buffer setOffset(long o) { handle.setLong(OFFSET, o); return this; }
    public Buffer setOffsetEnd(long o) { handle.setLong(OFFSET_END, o); return this; }
}
