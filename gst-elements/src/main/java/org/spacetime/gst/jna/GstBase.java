package org.spacetime.gst.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/** libgstbase-1.0 (direct mapping). */
public final class GstBase {
    static { Native.register(NativeLibrary.getInstance("gstbase-1.0")); }

    private GstBase() {}

    public static native long gst_push_src_get_type();
    public static native void gst_base_src_set_format(Pointer src, int format);
    public static native void gst_base_src_set_live(Pointer src, boolean live);
    public static native boolean gst_base_src_is_live(Pointer src);
}
