package org.spacetime.gst.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/** libgstvideo-1.0 (direct mapping): raw video caps and frame layouts. */
public final class GstVideo {
    static { Native.register(NativeLibrary.getInstance("gstvideo-1.0")); }

    private GstVideo() {}

    public static native boolean gst_video_info_from_caps(Pointer info, Pointer caps);
    public static native String gst_video_format_to_string(int format);
    public static native long gst_video_meta_api_get_type();
    public static native Pointer gst_video_converter_new(Pointer inInfo, Pointer outInfo, Pointer config);
    public static native void gst_video_converter_frame(Pointer converter, Pointer src, Pointer dest);
    public static native void gst_video_converter_free(Pointer converter);
    public static native boolean gst_video_frame_map(Pointer frame, Pointer info, Pointer buffer, int flags);
    public static native void gst_video_frame_unmap(Pointer frame);
}
