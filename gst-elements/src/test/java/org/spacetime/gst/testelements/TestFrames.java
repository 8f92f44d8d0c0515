package org.spacetime.gst.testelements;

/** The known frames of {@link TestFrameSource}: every pixel is a function of (x, y, frame, pattern). */
public final class TestFrames {
    public static final int FPS = 8;

    private TestFrames() {}

    public static byte[] frame(int width, int height, int index, int pattern) {
        byte[] rgb = new byte[width * height * 3];
        int i = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                rgb[i++] = (byte) (x * 4 + pattern + index);
                rgb[i++] = (byte) (y * 8 + index * 3);
                rgb[i++] = (byte) ((x ^ y) * 5 + pattern);
            }
        }
        return rgb;
    }

    public static int stride(int width) {
        return (width * 3 + 3) & ~3;   // GStreamer's default RGB row stride (rows padded to 4 bytes)
    }
}
