package org.spacetime.gst.framework;

import java.util.List;

/** The raw video formats the elements accept and produce (GstVideoConverter converts between them). */
public final class VideoFormats {
    /** Every format, in GStreamer's names. */
    public static final List<String> FORMATS = List.of("RGB", "BGR", "RGBA", "BGRA", "ARGB", "ABGR", "RGBx", "BGRx",
            "xRGB", "xBGR", "I420", "YV12", "NV12", "NV21", "YUY2", "UYVY");

    private VideoFormats() {}

    /** The caps list of every format, e.g. for a pad template: {RGB,BGR,...}. */
    public static String caps() {
        return "{" + String.join(",", FORMATS) + "}";
    }

    /** Raw video in any of these formats, any size and rate: the pads of a filter that converts itself. */
    public static String anyRawVideo() {
        return "video/x-raw,format=" + caps() + ",width=[16,16384],height=[16,16384],framerate=[0/1,2147483647/1]";
    }
}
