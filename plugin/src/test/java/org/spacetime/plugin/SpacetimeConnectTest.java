package org.spacetime.plugin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spacetimeconnect after concat, with the shipped model, through gst-launch-1.0 and decodebin: two
 * encoded World clips (the red circle moving right on near-black, 1.5 s; the same on gray, 1.5 s).
 */
class SpacetimeConnectTest {
    @TempDir
    static Path tmp;
    static InstalledPlugin plugin;
    static final int SIZE = 64, FRAME = SIZE * SIZE * 3, CLIP = 12, BRIDGE = 16;

    @BeforeAll
    static void install() throws Exception {
        plugin = new InstalledPlugin(tmp);
        byte[] a = SpacetimeExtendTest.worldClip(), b = a.clone();
        for (int i = 0; i < b.length; i++) {
            if ((b[i] & 255) == 16) {
                b[i] = (byte) 128;                     // the background turns gray
            }
        }
        tmpEncode(plugin, tmp, a, "a.mp4");
        tmpEncode(plugin, tmp, b, "b.mp4");
    }

    /** Packed 64x64 RGB frames at 8 fps encoded as {@code dir/file} (H.264 in MP4); the raw file is removed. */
    static void tmpEncode(InstalledPlugin plugin, Path dir, byte[] rgb, String file) throws Exception {
        Path raw = dir.resolve(file + ".raw");
        Files.write(raw, rgb);
        InstalledPlugin.Result r = plugin.toolIn(dir, Map.of(), 60, "gst-launch-1.0", "-q", "filesrc", "location=" + raw,
                "!", "rawvideoparse", "width=64", "height=64", "format=rgb", "framerate=8/1", "!", "videoconvert", "!",
                "x264enc", "!", "mp4mux", "!", "filesink", "location=" + file);
        assertEquals(0, r.exitCode(), r.all());
        Files.delete(raw);
    }

    /**
     * a.mp4 then b.mp4 through decodebin3, concat, {@code element} (or nothing) to packed RGB, with
     * the PTS printed (decodebin before concat hangs in preroll now and then, without any of ours).
     */
    static InstalledPlugin.Result concat(String element, String out) throws Exception {
        String through = element.isEmpty() ? "" : element + " ! ";
        InstalledPlugin.Result r = plugin.toolIn(tmp, Map.of(), 300, "bash", "-c", "gst-launch-1.0 -v concat name=c ! "
                + through + "videoconvert ! video/x-raw,format=RGB ! identity silent=false ! filesink location=" + out
                + " filesrc location=a.mp4 ! decodebin3 ! videoconvert ! c. filesrc location=b.mp4 ! decodebin3 ! videoconvert ! c.");
        assertEquals(0, r.exitCode(), r.all());
        return r;
    }

    static double distance(byte[] x, int fx, byte[] y, int fy) {
        double d = 0;
        for (int i = 0; i < FRAME; i++) {
            d += Math.abs((x[fx * FRAME + i] & 255) - (y[fy * FRAME + i] & 255));
        }
        return d / FRAME;
    }

    /**
     * Both clips come through bit-exact around a 2 s bridge, the timestamps run on without a gap or
     * an overlap, and the bridge starts where the first clip ends.
     */
    @Test
    void bridgesTwoClipsKeepingBothBitExact() throws Exception {
        List<Long> plainPts = SpacetimeExtendTest.timestamps(concat("", "plain.rgb").all());
        InstalledPlugin.Result r = concat("spacetimeconnect duration=2 seed=1", "connected.rgb");
        byte[] plain = Files.readAllBytes(tmp.resolve("plain.rgb")), out = Files.readAllBytes(tmp.resolve("connected.rgb"));
        assertEquals(2 * CLIP * FRAME, plain.length);
        assertEquals((2 * CLIP + BRIDGE) * FRAME, out.length, "both clips and 2 s of bridge at 8 fps");
        assertArrayEquals(Arrays.copyOfRange(plain, 0, CLIP * FRAME), Arrays.copyOfRange(out, 0, CLIP * FRAME),
                "the first clip, untouched");
        assertArrayEquals(Arrays.copyOfRange(plain, CLIP * FRAME, plain.length),
                Arrays.copyOfRange(out, (CLIP + BRIDGE) * FRAME, out.length), "the second clip, untouched");
        // One output segment: the bridge continues the first clip's timestamps, the second clip continues the bridge.
        List<Long> pts = SpacetimeExtendTest.timestamps(r.all());
        assertEquals(2 * CLIP + BRIDGE, pts.size(), r.all());
        assertEquals(plainPts.get(0), pts.get(0), "the first clip's timestamps");
        for (int i = 1; i < pts.size(); i++) {
            assertEquals(125_000_000L, pts.get(i) - pts.get(i - 1), "frame " + i + " follows the one before: " + pts);
        }
        double jump = distance(plain, CLIP - 1, plain, CLIP);          // the cut concat alone makes
        double start = distance(out, CLIP - 1, out, CLIP);             // first clip's last frame -> bridge
        double end = distance(out, CLIP + BRIDGE - 1, out, CLIP + BRIDGE);   // bridge -> second clip's first
        System.out.printf("spacetimeconnect: mean |RGB| distance: cut without a bridge %.1f; last frame -> bridge %.1f;"
                + " bridge -> next clip %.1f%n", jump, start, end);
        assertTrue(start < jump / 2, "the bridge starts near the first clip's last frame: " + start + " (the cut: " + jump + ")");
    }

    /** The README's connect example, as written: a.mp4, the bridge, b.mp4 in one MP4. */
    @Test
    void readmeExampleWritesTheConnectedFile() throws Exception {
        List<String> examples = plugin.readmeExamples("spacetimeconnect duration=2");
        assertEquals(1, examples.size(), examples.toString());
        InstalledPlugin.Result r = plugin.toolIn(tmp, Map.of(), 300, "bash", "-c", examples.get(0));
        assertEquals(0, r.exitCode(), examples.get(0) + "\n" + r.all());
        InstalledPlugin.Result d = plugin.toolIn(tmp, Map.of(), 60, "gst-launch-1.0", "-v", "filesrc",
                "location=connected.mp4", "!", "decodebin", "!", "fakesink", "silent=false");
        List<Long> pts = SpacetimeExtendTest.timestamps(d.all());
        assertEquals(2 * CLIP + BRIDGE, pts.size(), "1.5 s, 2 s of bridge, 1.5 s: " + d.all());
        for (int i = 1; i < pts.size(); i++) {
            assertEquals(125_000_000L, pts.get(i) - pts.get(i - 1), "frame " + i + " follows the one before: " + pts);
        }
    }
}
