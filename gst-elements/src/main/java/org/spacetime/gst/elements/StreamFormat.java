package org.spacetime.gst.elements;

import org.spacetime.gst.framework.Buffer;
import org.spacetime.gst.framework.Caps;
import org.spacetime.gst.framework.ElementException;
import org.spacetime.gst.framework.ErrorCode;
import org.spacetime.gst.framework.VideoConverter;
import org.spacetime.gst.framework.VideoInfo;
import org.spacetime.models.Manifest;
import org.spacetime.models.Video;

/**
 * A stream's raw video format next to the model's: frames of the stream become model input
 * (packed RGB at the model size) and model frames become buffers of the stream's size and format,
 * both by GStreamer's GstVideoConverter (scaling and pixel formats as videoscale and videoconvert
 * do them, at native speed: a 1080p stream is not converted in Java). The model size keeps the
 * stream's aspect ratio as far as the model allows.
 */
final class StreamFormat implements AutoCloseable {
    /** Largest input frames accepted (models/README.md, limits): 8K (8192x4320, 7680x4320) fits. */
    static final int MAX_SIDE = 8192;
    static final long MAX_PIXELS = 8192L * 4352;
    final VideoInfo info;
    final int modelWidth, modelHeight;
    /** Frames per second of the stream; the model's rate where the caps say 0/1 (variable). */
    final double fps;
    private final VideoConverter toModel, toStream;
    private Video lastFrame;            // the model frame last converted, and its buffer (guarded by this)
    private Buffer lastBuffer;

    StreamFormat(Caps caps, Manifest m) throws ElementException {
        this.info = VideoInfo.of(caps);
        if (info.width() > MAX_SIDE || info.height() > MAX_SIDE || (long) info.width() * info.height() > MAX_PIXELS) {
            throw new ElementException(ErrorCode.STREAM_FORMAT, "input frames of " + info.width() + "x" + info.height()
                    + " are larger than spacetimeextend accepts: at most " + MAX_SIDE + " pixels a side and " + MAX_PIXELS
                    + " pixels a frame (8192x4352); scale the input down first (videoscale)");
        }
        this.fps = info.fpsN() > 0 ? (double) info.fpsN() / info.fpsD() : m.nativeFps();
        double aspect = (double) info.width() / info.height();
        int w = m.nativeWidth(), h = m.nativeHeight();
        if (aspect > (double) w / h) {
            w = snap(h * aspect, m);
        } else {
            h = snap(w / aspect, m);
        }
        modelWidth = w;
        modelHeight = h;
        String model = modelCaps(w, h, info), stream = caps.toString();
        toModel = VideoConverter.between(stream, model);
        try {
            toStream = VideoConverter.between(model, stream);
        } catch (ElementException e) {
            toModel.close();
            throw e;
        }
    }

    /**
     * Packed RGB frames of the model at width x height (what the runtime takes and gives), at the
     * stream's frame rate (GstVideoConverter converts frames, not rates: both sides must agree).
     */
    static String modelCaps(int width, int height, VideoInfo stream) {
        return "video/x-raw,format=RGB,width=" + width + ",height=" + height + ",pixel-aspect-ratio=1/1,framerate="
                + Math.max(0, stream.fpsN()) + "/" + Math.max(1, stream.fpsD());
    }

    private static int snap(double v, Manifest m) {
        int k = m.sizeMultiple();
        return Math.max(m.minSize(), Math.min(m.maxSize(), (int) Math.round(v / k) * k));
    }

    /** One frame of the stream as one model frame (packed RGB at the model size). */
    Video toModel(Buffer frame) {
        Buffer rgb = toModel.convert(frame);
        try {
            return new Video(1, modelWidth, modelHeight, packed(rgb.read(), toModel.output(), modelWidth, modelHeight));
        } finally {
            rgb.unref();
        }
    }

    /**
     * One model frame as a new buffer of the stream's size and format (no timestamps yet). A model
     * frame shown as several stream frames (8 fps made, 50 fps streamed) is converted once: the
     * buffers made from it share its memory, as GStreamer's buffer copies do.
     */
    synchronized Buffer toBuffer(Video frame) {
        if (frame != lastFrame) {
            Buffer converted = toStream.convert(frame.rgb());
            if (lastBuffer != null) {
                lastBuffer.unref();
            }
            lastFrame = frame;
            lastBuffer = converted;
        }
        return lastBuffer.ref().makeWritable();
    }

    /** RGB rows without the padding a stride may add (GStreamer rounds RGB rows up to 4 bytes). */
    static byte[] packed(byte[] data, VideoInfo layout, int width, int height) {
        int row = width * 3, stride = layout.stride()[0];
        if (stride == row) {
            return data.length == row * height ? data : java.util.Arrays.copyOf(data, row * height);
        }
        byte[] out = new byte[row * height];
        for (int y = 0; y < height; y++) {
            System.arraycopy(data, (int) layout.offset()[0] + y * stride, out, y * row, row);
        }
        return out;
    }

    /** Stream time of frame n counted from 0, in nanoseconds. */
    long frameTime(long n) {
        return Math.round(n * 1e9 / fps);
    }

    @Override
    public synchronized void close() {
        if (lastBuffer != null) {
            lastBuffer.unref();
            lastBuffer = null;
            lastFrame = null;
        }
        toModel.close();
        toStream.close();
    }
}
