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
 * encoded World clips (the red circle moving right on near-black, 1.5 s; the same on gray, 1.5 s),
 * and two shots of one World scene (a bouncing red circle, 1.5 s each, 2 s apart).
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
        byte[] bounce = bouncingClip(2 * CLIP + BRIDGE);
        tmpEncode(plugin, tmp, Arrays.copyOfRange(bounce, 0, CLIP * FRAME), "shot1.mp4");
        tmpEncode(plugin, tmp, Arrays.copyOfRange(bounce, (CLIP + BRIDGE) * FRAME, bounce.length), "shot2.mp4");
    }

    /**
     * A medium red circle that bounces on near-black, as World v1 draws it: 0.35 H per second along
     * both axes, reflected off the frame's edges; it starts at (0.3, 0.4) of the frame, going down right.
     */
    static byte[] bouncingClip(int frames) {
        byte[] rgb = new byte[frames * FRAME];
        double r = 0.11 * SIZE, step = 0.35 * SIZE / 8;
        for (int f = 0; f < frames; f++) {
            SpacetimeExtendTest.drawRedCircle(rgb, f, reflect(0.3 * SIZE + step * f, r, SIZE - r),
                    reflect(0.4 * SIZE + step * f, r, SIZE - r));
        }
        return rgb;
    }

    /** Position p moving freely, folded back into [lo, hi] as an elastic bounce off both ends. */
    static double reflect(double p, double lo, double hi) {
        double span = hi - lo, u = ((p - lo) % (2 * span) + 2 * span) % (2 * span);
        return lo + (u <= span ? u : 2 * span - u);
    }

    /** Centre (x, y) of the pixels far from the near-black background; NaN where there are none. */
    static double[] centre(byte[] rgb, int frame) {
        double[] o = SpacetimeExtendTest.object(rgb, frame);
        return new double[] {o[0], o[3]};
    }

    static double apart(double[] p, double[] q) {
        return Math.hypot(p[0] - q[0], p[1] - q[1]);
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
        return concat(element, "a.mp4", "b.mp4", out);
    }

    static InstalledPlugin.Result concat(String element, String first, String second, String out) throws Exception {
        String through = element.isEmpty() ? "" : element + " ! ";
        InstalledPlugin.Result r = plugin.toolIn(tmp, Map.of(), 300, "bash", "-c", "gst-launch-1.0 -v concat name=c ! "
                + through + "videoconvert ! video/x-raw,format=RGB ! identity silent=false ! filesink location=" + out
                + " filesrc location=" + first + " ! decodebin3 ! videoconvert ! c. filesrc location=" + second
                + " ! decodebin3 ! videoconvert ! c.");
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

    /**
     * Two shots of one scene, as the model knows scenes: the bridge's first frame has the object
     * near where the first shot leaves it, and its last frame near where the second shot takes it
     * up (the object's centre, in pixels; the shots alone jump across the frame). What happens in
     * between is printed, not asserted: the default model does not yet carry the bounce through.
     */
    @Test
    void bridgesTwoShotsOfOneSceneFromOneToTheOther() throws Exception {
        concat("spacetimeconnect duration=2 seed=1", "shot1.mp4", "shot2.mp4", "shots.rgb");
        byte[] out = Files.readAllBytes(tmp.resolve("shots.rgb")), truth = bouncingClip(2 * CLIP + BRIDGE);
        assertEquals((2 * CLIP + BRIDGE) * FRAME, out.length);
        double cut = apart(centre(out, CLIP - 1), centre(out, CLIP + BRIDGE));
        double start = apart(centre(out, CLIP - 1), centre(out, CLIP));
        double end = apart(centre(out, CLIP + BRIDGE - 1), centre(out, CLIP + BRIDGE));
        double stepOfTheScene = apart(centre(truth, CLIP - 1), centre(truth, CLIP));
        StringBuilder path = new StringBuilder();
        for (int f = CLIP - 1; f <= CLIP + BRIDGE; f++) {
            double[] c = centre(out, f);
            path.append(String.format(" %d:(%.0f,%.0f)", f, c[0], c[1]));
        }
        System.out.printf("spacetimeconnect, two shots of a bouncing circle: object centre moves %.1f px a frame in the scene;"
                + " the cut alone jumps %.1f px; last frame -> bridge %.1f px; bridge -> next shot %.1f px; centres:%s%n",
                stepOfTheScene, cut, start, end, path);
        assertTrue(start < cut / 4, "the bridge starts near the first shot's object: " + start + " px (the cut: " + cut + ")");
        assertTrue(end < cut / 4, "the bridge ends near the second shot's object: " + end + " px (the cut: " + cut + ")");
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
