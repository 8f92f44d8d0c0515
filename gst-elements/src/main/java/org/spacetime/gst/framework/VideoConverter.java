package org.spacetime.gst.framework;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import org.spacetime.gst.jna.Gst;
import org.spacetime.gst.jna.GstVideo;

/**
 * GStreamer's own GstVideoConverter (what videoscale and videoconvert use) between two raw video
 * formats: scaling with proper filters, pixel formats, YUV matrices and ranges, strides and
 * GstVideoMeta of padded buffers. One converter is for one pair of formats; it is used by one
 * thread at a time (calls are serialised).
 */
public final class VideoConverter implements AutoCloseable {
    private static final Layout L = Layout.get();
    private final Memory inInfo = info(), outInfo = info();
    private final Memory inFrame = new Memory(L.size("GstVideoFrame")), outFrame = new Memory(L.size("GstVideoFrame"));
    private final VideoInfo output;
    private Pointer converter;

    /** A converter from frames of caps {@code in} to frames of caps {@code out} (caps strings or handles). */
    public VideoConverter(Caps in, Caps out) throws ElementException {
        if (!GstVideo.gst_video_info_from_caps(inInfo, in.handle()) || !GstVideo.gst_video_info_from_caps(outInfo, out.handle())) {
            throw new ElementException(ErrorCode.CORE_NEGOTIATION, "cannot convert " + in + " to " + out
                    + ": both must be raw video with a fixed format and size");
        }
        output = VideoInfo.of(out);
        asWholeFrames(inInfo, outInfo);
        converter = GstVideo.gst_video_converter_new(inInfo, outInfo, null);
        if (converter == null) {
            throw new ElementException(ErrorCode.CORE_NEGOTIATION, "GStreamer has no conversion from " + in + " to " + out);
        }
    }

    /** A converter between two caps strings, e.g. a model's packed RGB and a stream's caps. */
    public static VideoConverter between(String in, String out) throws ElementException {
        Caps a = Caps.parse(in), b = Caps.parse(out);
        try {
            return new VideoConverter(a, b);
        } finally {
            a.unref();
            b.unref();
        }
    }

    /**
     * GstVideoConverter converts only between frames of one interlace mode. Interleaved and mixed
     * frames hold both fields in one buffer laid out as a progressive frame, so between such a
     * stream and the model's progressive frames both sides are converted as whole frames: a
     * stream's frame goes in with both fields, and a generated frame comes out as both fields of
     * one instant (a progressive segmented frame, as broadcast carries progressive content).
     */
    private static void asWholeFrames(Memory a, Memory b) {
        long field = L.offset("GstVideoInfo", "interlace_mode");
        int progressive = L.constant("GST_VIDEO_INTERLACE_MODE_PROGRESSIVE");
        int ma = a.getInt(field), mb = b.getInt(field);
        if (ma != mb && (ma == progressive || mb == progressive) && inOneBuffer(ma) && inOneBuffer(mb)) {
            a.setInt(field, progressive);
            b.setInt(field, progressive);
        }
    }

    private static boolean inOneBuffer(int mode) {
        return mode == L.constant("GST_VIDEO_INTERLACE_MODE_PROGRESSIVE")
                || mode == L.constant("GST_VIDEO_INTERLACE_MODE_INTERLEAVED")
                || mode == L.constant("GST_VIDEO_INTERLACE_MODE_MIXED");
    }

    private static Memory info() {
        Memory m = new Memory(L.size("GstVideoInfo"));
        m.clear();
        return m;
    }

    /** The output frames' layout. */
    public VideoInfo output() {
        return output;
    }

    /** Converts {@code src} into a new buffer of the output format (owned by the caller). */
    public synchronized Buffer convert(Buffer src) {
        if (converter == null) {
            throw new IllegalStateException("converter closed");
        }
        Buffer dst = Buffer.allocate(output.size());
        if (!GstVideo.gst_video_frame_map(inFrame, inInfo, src.handle(), L.constant("GST_MAP_READ"))) {
            dst.unref();
            throw new IllegalArgumentException("buffer of " + src.size() + " bytes does not hold a frame of the input format");
        }
        try {
            if (!GstVideo.gst_video_frame_map(outFrame, outInfo, dst.handle(), L.constant("GST_MAP_WRITE"))) {
                dst.unref();
                throw new IllegalStateException("cannot map a new output buffer");
            }
            GstVideo.gst_video_converter_frame(converter, inFrame, outFrame);
            GstVideo.gst_video_frame_unmap(outFrame);
        } finally {
            GstVideo.gst_video_frame_unmap(inFrame);
        }
        return dst;
    }

    /** Converts packed bytes of the input format (default strides) into a new output buffer. */
    public Buffer convert(byte[] src) {
        Buffer in = Buffer.allocate(src.length);
        try {
            in.write(src);
            return convert(in);
        } finally {
            in.unref();
        }
    }

    @Override
    public synchronized void close() {
        if (converter != null) {
            GstVideo.gst_video_converter_free(converter);
            converter = null;
        }
    }
}
