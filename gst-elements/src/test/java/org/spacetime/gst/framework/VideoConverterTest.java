package org.spacetime.gst.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Version;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The formats the elements advertise are formats they convert: every one goes from the model's
 * packed RGB to the stream and back through GstVideoConverter with the colour kept.
 */
class VideoConverterTest {
    private static final int W = 100, H = 60;   // not a multiple of any chroma block or v210's 48 pixels
    private static final byte[] ORANGE = solid(W, H, 200, 120, 40);

    @BeforeAll
    static void init() {
        Gst.init(Version.of(1, 16), "VideoConverterTest");
    }

    static java.util.List<String> formats() {
        return VideoFormats.FORMATS;
    }

    @ParameterizedTest
    @MethodSource("formats")
    void everyAdvertisedFormatConvertsToAndFromTheModelsRgb(String format) throws Exception {
        String rgb = caps("RGB", "progressive"), stream = caps(format, "progressive");
        byte[] back = roundTrip(rgb, stream, ORANGE);
        // Gray formats keep the luma only: 0.299 R + 0.587 G + 0.114 B of the orange.
        int[] expected = format.startsWith("GRAY") ? new int[] {135, 135, 135} : new int[] {200, 120, 40};
        assertColour(expected, back, format);
    }

    /**
     * Interleaved fields (576i, 1080i) convert as whole frames; GstVideoConverter alone refuses a
     * progressive-interlaced pair (and GLib prints a critical warning).
     */
    @Test
    void interleavedFramesConvertAsWholeFrames() throws Exception {
        for (String mode : new String[] {"interleaved", "mixed"}) {
            byte[] back = roundTrip(caps("RGB", "progressive"), caps("UYVY", mode) + ",field-order=top-field-first", ORANGE);
            assertColour(new int[] {200, 120, 40}, back, mode);
        }
    }

    private static byte[] roundTrip(String rgb, String stream, byte[] frame) throws ElementException {
        try (VideoConverter out = VideoConverter.between(rgb, stream); VideoConverter in = VideoConverter.between(stream, rgb)) {
            Buffer converted = out.convert(frame);
            try {
                Buffer again = in.convert(converted);
                try {
                    return again.read();
                } finally {
                    again.unref();
                }
            } finally {
                converted.unref();
            }
        }
    }

    private static String caps(String format, String interlace) {
        return "video/x-raw,format=" + format + ",width=" + W + ",height=" + H + ",framerate=25/1,pixel-aspect-ratio=1/1,"
                + "interlace-mode=" + interlace;
    }

    private static byte[] solid(int w, int h, int r, int g, int b) {
        byte[] f = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            f[3 * i] = (byte) r;
            f[3 * i + 1] = (byte) g;
            f[3 * i + 2] = (byte) b;
        }
        return f;
    }

    private static void assertColour(int[] expected, byte[] rgb, String what) {
        assertEquals(W * H * 3, rgb.length, what + ": a frame of packed RGB");
        for (int c = 0; c < 3; c++) {
            long sum = 0;
            for (int i = c; i < rgb.length; i += 3) {
                sum += rgb[i] & 255;
            }
            // 8-bit YUV paths of GstVideoConverter round to within a few levels (200 -> 195 red).
            assertEquals(expected[c], sum / (double) (W * H), 8, what + ": channel " + c);
        }
    }
}
