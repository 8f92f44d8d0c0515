package org.spacetime.gst.framework;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import org.spacetime.gst.jna.GLib;
import org.spacetime.gst.jna.Gst;

/** A GstEvent received on a pad. */
public final class Event {
    private static final long TYPE = Layout.get().offset("GstEvent", "type");
    private final Pointer handle;

    Event(Pointer handle) {
        this.handle = handle;
    }

    public Pointer handle() {
        return handle;
    }

    public boolean isEos() {
        return handle.getInt(TYPE) == Layout.get().constant("GST_EVENT_EOS");
    }

    public boolean isCaps() {
        return handle.getInt(TYPE) == Layout.get().constant("GST_EVENT_CAPS");
    }

    public boolean isFlushStop() {
        return handle.getInt(TYPE) == Layout.get().constant("GST_EVENT_FLUSH_STOP");
    }

    /** The caps of a CAPS event in string syntax. */
    public String caps() {
        Memory out = new Memory(Native.POINTER_SIZE);
        Gst.gst_event_parse_caps(handle, out);
        Pointer s = Gst.gst_caps_to_string(out.getPointer(0));
        try {
            return s.getString(0);
        } finally {
            GLib.g_free(s);
        }
    }

    public void unref() {
        Gst.gst_mini_object_unref(handle);
    }
}
