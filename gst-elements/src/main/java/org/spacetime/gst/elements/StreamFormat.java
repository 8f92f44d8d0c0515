package org.spacetime.gst.elements;

import org.spacetime.gst.framework.Buffer;
import org.spacetime.gst.framework.RawVideoConverter;
import org.spacetime.gst.framework.VideoInfo;
import org.spacetime.models.Manifest;
import org.spacetime.models.Video;

/**
 * A stream's raw video format next to the model's: frames of the stream become model input
 * (packed RGB, scaled by the runtime) and model frames become buffers of the stream's size and
 * format. The model size keeps the stream's aspect ratio as far as the model allows.
 */
final class StreamFormat {
    final VideoInfo info;
    final int modelWidth, modelHeight;
    /** Frames per second of the stream; the model's rate where the caps say 0/1 (variable). */
    final double fps;

    StreamFormat(VideoInfo info, Manifest m) {
        this.info = info;
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
    }

    private static int snap(double v, Manifest m) {
        int k = m.sizeMultiple();
        return Math.max(m.minSize(), Math.min(m.maxSize(), (int) Math.round(v / k) * k));
    }

    /** One model frame as a new buffer of the stream's size and format (no timestamps yet). */
    Buffer toBuffer(Video frame) {
        byte[] data = RawVideoConverter.fromRgb(frame.resize(info.width(), info.height()).rgb(), info);
        Buffer b = Buffer.allocate(data.length);
        b.write(data);
        return b;
    }

    /** Stream time of frame n counted from 0, in nanoseconds. */
    long frameTime(long n) {
        return Math.round(n * 1e9 / fps);
    }
}
