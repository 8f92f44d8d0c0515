package org.spacetime.gst.framework;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import org.spacetime.gst.jna.Gst;
import org.spacetime.gst.jna.GstVideo;

/**
 * Negotiated raw video caps, read by GStreamer's own gst_video_info_from_caps: format name, size,
 * frame rate, the default plane layout (strides and offsets) and the YUV matrix and range.
 */
public record VideoInfo(String format, int width, int height, int fpsN, int fpsD, long size, int[] stride,
                        long[] offset, Matrix matrix, boolean fullRange) {

    /** The YUV <-> RGB matrices GStreamer's colorimetry names; anything else is treated as BT.601. */
    public enum Matrix { BT601, BT709, BT2020, SMPTE240M }

    private static final Layout L = Layout.get();
    private static final long VIDEO_META_API = GstVideo.gst_video_meta_api_get_type();

    /** Reads {@code caps}; throws a negotiation error naming them if they are not raw video. */
    public static VideoInfo of(Caps caps) throws ElementException {
        Memory info = new Memory(L.size("GstVideoInfo"));
        info.clear();
        if (!GstVideo.gst_video_info_from_caps(info, caps.handle())) {
            throw new ElementException(ErrorCode.CORE_NEGOTIATION, "not raw video caps: " + caps);
        }
        int[] stride = new int[4];
        long[] offset = new long[4];
        for (int i = 0; i < 4; i++) {
            stride[i] = info.getInt(L.offset("GstVideoInfo", "stride") + 4L * i);
            offset[i] = info.getLong(L.offset("GstVideoInfo", "offset") + 8L * i);
        }
        long colorimetry = L.offset("GstVideoInfo", "colorimetry");
        int m = info.getInt(colorimetry + L.offset("GstVideoColorimetry", "matrix"));
        Matrix matrix = m == L.constant("GST_VIDEO_COLOR_MATRIX_BT709") ? Matrix.BT709
                : m == L.constant("GST_VIDEO_COLOR_MATRIX_BT2020") ? Matrix.BT2020
                : m == L.constant("GST_VIDEO_COLOR_MATRIX_SMPTE240M") ? Matrix.SMPTE240M : Matrix.BT601;
        boolean full = info.getInt(colorimetry + L.offset("GstVideoColorimetry", "range"))
                == L.constant("GST_VIDEO_COLOR_RANGE_0_255");
        int format = info.getPointer(L.offset("GstVideoInfo", "finfo")).getInt(L.offset("GstVideoFormatInfo", "format"));
        return new VideoInfo(GstVideo.gst_video_format_to_string(format), info.getInt(L.offset("GstVideoInfo", "width")),
                info.getInt(L.offset("GstVideoInfo", "height")), info.getInt(L.offset("GstVideoInfo", "fps_n")),
                info.getInt(L.offset("GstVideoInfo", "fps_d")), info.getLong(L.offset("GstVideoInfo", "size")), stride,
                offset, matrix, full);
    }

    /**
     * This layout with the strides and offsets of the buffer's GstVideoMeta, if it has one
     * (decoders may hand out padded frames when downstream accepts the meta).
     */
    public VideoInfo layoutOf(Buffer buffer) {
        Pointer meta = Gst.gst_buffer_get_meta(buffer.handle(), VIDEO_META_API);
        if (meta == null) {
            return this;
        }
        int planes = meta.getInt(L.offset("GstVideoMeta", "n_planes"));
        int[] s = stride.clone();
        long[] o = offset.clone();
        for (int i = 0; i < planes && i < 4; i++) {
            s[i] = meta.getInt(L.offset("GstVideoMeta", "stride") + 4L * i);
            o[i] = meta.getLong(L.offset("GstVideoMeta", "offset") + 8L * i);
        }
        return new VideoInfo(format, width, height, fpsN, fpsD, size, s, o, matrix, fullRange);
    }

    /** Nanoseconds of frame n from the stream start at this frame rate (fps 0: unknown, -1). */
    public long frameTime(long n) {
        return fpsN <= 0 ? -1 : Math.floorDiv(n * 1_000_000_000L * fpsD, fpsN);
    }
}
