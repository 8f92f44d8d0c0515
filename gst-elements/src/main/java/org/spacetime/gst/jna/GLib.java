package org.spacetime.gst.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/** The few GLib functions the framework calls (JNA direct mapping: no reflection per call). */
public final class GLib {
    static { Native.register(NativeLibrary.getInstance("glib-2.0")); }

    private GLib() {}

    /** A GLib-owned copy of a Java string, for APIs that take ownership. */
    public static native Pointer g_strdup(String s);
    public static native void g_free(Pointer p);
    public static native void g_set_error_literal(Pointer error, int domain, int code, String message);
}
