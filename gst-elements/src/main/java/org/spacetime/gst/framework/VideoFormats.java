package org.spacetime.gst.framework;

import java.util.List;

/**
 * The raw video formats the elements accept and produce (GstVideoConverter converts between them
 * and the model's RGB): what decoders, cameras and capture cards hand out, so that a file can go
 * from decodebin straight in. The first is preferred where downstream accepts any.
 */
public final class VideoFormats {
    /** Every format, in GStreamer's names. */
    public static final List<String> FORMATS = List.of(
            // 8-bit RGB
            "RGB", "BGR", "RGBA", "BGRA", "ARGB", "ABGR", "RGBx", "BGRx", "xRGB", "xBGR",
            // 8-bit YUV and gray: planar and semi-planar 4:2:0, 4:2:2, 4:4:4, packed 4:2:2 and 4:4:4
            "I420", "YV12", "NV12", "NV21", "YUY2", "UYVY", "YVYU", "Y42B", "Y444", "NV16", "NV24", "AYUV", "VUYA",
            "GRAY8",
            // 10 bits and more: 10-bit H.264/HEVC/VP9/AV1 decoders, v210 from SDI capture, 16-bit gray
            "I420_10LE", "I422_10LE", "Y444_10LE", "P010_10LE", "v210", "I420_12LE", "GRAY16_LE", "BGR10A2_LE",
            "RGB10A2_LE");

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
