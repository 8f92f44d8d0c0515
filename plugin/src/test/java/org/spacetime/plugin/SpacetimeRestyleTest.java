package org.spacetime.plugin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spacetimerestyle (video to video) with the shipped model, through the installed plugin and
 * gst-launch-1.0, on an encoded file through decodebin: a white ball moving on black (videotestsrc
 * pattern=ball), 3 s at 8 fps, in MP4.
 */
class SpacetimeRestyleTest {
    @TempDir
    static Path tmp;
    static InstalledPlugin plugin;
    static final int SIZE = 64, FRAME = SIZE * SIZE * 3, FRAMES = 24;

    @BeforeAll
    static void install() throws Exception {
        plugin = new InstalledPlugin(tmp);
        InstalledPlugin.Result r = plugin.toolIn(tmp, Map.of(), 60, "gst-launch-1.0", "-q", "videotestsrc",
                "num-buffers=" + FRAMES, "pattern=ball", "!", "video/x-raw,width=64,height=64,framerate=8/1", "!",
                "x264enc", "!", "mp4mux", "!", "filesink", "location=in.mp4");
        assertEquals(0, r.exitCode(), r.all());
    }

    /** Decodes in.mp4, through {@code element} (or nothing), to packed RGB; returns the frames and the PTS printed. */
    static byte[] decoded(String element, String out) throws Exception {
        String through = element.isEmpty() ? "" : element + " ! ";
        InstalledPlugin.Result r = plugin.toolIn(tmp, Map.of(), 300, "bash", "-c", "gst-launch-1.0 -v filesrc "
                + "location=in.mp4 ! decodebin ! videoconvert ! video/x-raw,format=RGB ! " + through
                + "identity silent=false ! filesink location=" + out);
        assertEquals(0, r.exitCode(), r.all());
        Files.writeString(tmp.resolve(out + ".log"), r.all());
        return Files.readAllBytes(tmp.resolve(out));
    }

    static List<Long> timestampsOf(String out) throws Exception {
        return SpacetimeExtendTest.timestamps(Files.readString(tmp.resolve(out + ".log")).replace("pts: ", "pts: "));
    }

    @Test
    void strengthZeroReturnsTheInputBitExact() throws Exception {
        byte[] plain = decoded("", "plain.rgb");
        byte[] same = decoded("spacetimerestyle strength=0", "same.rgb");
        assertEquals(FRAMES * FRAME, plain.length);
        assertArrayEquals(plain, same, "strength=0 passes every frame through untouched");
    }

    /**
     * A white ball restyled towards "a red circle ..." at strength 0.6: every input frame comes out,
     * with its timestamp, and shows a red object where the input's object is.
     */
    @Test
    void restylesTowardsThePromptKeepingTimingAndPosition() throws Exception {
        byte[] plain = decoded("", "input.rgb");
        byte[] red = decoded("spacetimerestyle strength=0.6 seed=3 "
                + "prompt=\"a red circle moves right on a black background\"", "red.rgb");
        assertEquals(plain.length, red.length, "one output frame per input frame");
        assertEquals(timestampsOf("input.rgb"), timestampsOf("red.rgb"), "the input's timestamps");
        for (int f = 0; f < FRAMES; f++) {
            double[] in = object(plain, f), out = object(red, f);
            assertTrue(in[3] - in[4] < 20, "input frame " + f + " is white: " + java.util.Arrays.toString(in));
            assertTrue(out[2] > 200 && out[3] - out[4] > 60 && out[3] - out[5] > 30,
                    "frame " + f + " shows a red object (pixels, mean R, G, B): " + java.util.Arrays.toString(out));
            assertTrue(Math.abs(in[0] - out[0]) < 6 && Math.abs(in[1] - out[1]) < 6, "frame " + f
                    + ": the object stays where it was: " + java.util.Arrays.toString(in) + " -> "
                    + java.util.Arrays.toString(out));
        }
    }

    /** The README's restyle example, as written, on the ball clip: a file as long as its input. */
    @Test
    void readmeExampleWritesTheRestyledFile() throws Exception {
        List<String> examples = plugin.readmeExamples("spacetimerestyle strength=0.6");
        assertEquals(1, examples.size(), examples.toString());
        InstalledPlugin.Result r = plugin.toolIn(tmp, Map.of(), 300, "bash", "-c", examples.get(0));
        assertEquals(0, r.exitCode(), examples.get(0) + "\n" + r.all());
        InstalledPlugin.Result d = plugin.toolIn(tmp, Map.of(), 60, "gst-discoverer-1.0", "restyled.mp4");
        assertTrue(d.stdout().contains("Duration: 0:00:03.0"), d.all());
    }

    /** The pixels far from the black background: mean x, mean y, count, mean R, G, B. */
    static double[] object(byte[] rgb, int frame) {
        double sx = 0, sy = 0, r = 0, g = 0, b = 0;
        int n = 0;
        for (int p = 0; p < SIZE * SIZE; p++) {
            int o = frame * FRAME + p * 3, pr = rgb[o] & 255, pg = rgb[o + 1] & 255, pb = rgb[o + 2] & 255;
            if (pr + pg + pb > 150) {
                n++;
                sx += p % SIZE;
                sy += p / SIZE;
                r += pr;
                g += pg;
                b += pb;
            }
        }
        return new double[] {sx / n, sy / n, n, r / n, g / n, b / n};
    }
}
