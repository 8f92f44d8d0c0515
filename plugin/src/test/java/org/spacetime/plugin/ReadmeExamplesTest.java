package org.spacetime.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The README's examples that write files or print, run as written (read from README.md, so the
 * README cannot drift from what works): each must exit 0 and leave what it says. The MP4 extension
 * examples are in {@link SpacetimeExtendTest}; the broadcast chains run here with their receivers
 * and senders; the ones that open a window or play need a display and are not run here.
 */
class ReadmeExamplesTest {
    @TempDir
    static Path tmp;
    static InstalledPlugin plugin;
    static Path dir;

    @BeforeAll
    static void install() throws Exception {
        plugin = new InstalledPlugin(tmp);
        dir = Files.createDirectories(tmp.resolve("work"));
        BufferedImage first = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);   // a World frame: red circle on black
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                boolean in = Math.pow(x + 0.5 - 16, 2) + Math.pow(y + 0.5 - 32, 2) <= 7 * 7;
                first.setRGB(x, y, in ? 0xDE2C2C : 0x101010);
            }
        }
        ImageIO.write(first, "png", dir.resolve("first.png").toFile());
    }

    static String run(String marker) throws Exception {
        List<String> examples = plugin.readmeExamples(marker);
        assertEquals(1, examples.size(), "one README example with " + marker + ": " + examples);
        InstalledPlugin.Result r = plugin.toolIn(dir, Map.of(), 300, "bash", "-c", examples.get(0));
        assertEquals(0, r.exitCode(), examples.get(0) + "\n" + r.all());
        return r.stdout();
    }

    static void assertDuration(String file, String duration) throws Exception {
        InstalledPlugin.Result d = plugin.toolIn(dir, Map.of(), 60, "gst-discoverer-1.0", file);
        assertTrue(d.stdout().contains("Duration: " + duration), file + ": " + d.all());
    }

    /** The first of the README's "Two commands", after its set-up part (the install under test). */
    @Test
    void firstCommandWritesAFourSecondMp4() throws Exception {
        String readme = Files.readString(plugin.root.resolve("README.md"));
        String line = readme.lines().filter(l -> l.startsWith("install/setup-debian.sh && ")).findFirst().orElseThrow();
        String command = line.substring("install/setup-debian.sh && ".length());
        InstalledPlugin.Result r = plugin.toolIn(dir, Map.of(), 300, "bash", "-c", command);
        assertEquals(0, r.exitCode(), command + "\n" + r.all());
        assertTrue(r.stdout().contains("wrote " + dir.toRealPath() + "/spacetime.mp4"), r.all());
        assertDuration("spacetime.mp4", "0:00:04.0");
    }

    @Test
    void inspect() throws Exception {
        String out = run("gst-inspect-1.0 spacetimesrc");
        assertTrue(out.contains("spacetimesrc") && out.contains("prompt"), out);
    }

    /** The examples that write a clip: each file is there with the duration the example asks for. */
    @ParameterizedTest
    @CsvSource({"location=clip.webm, clip.webm, 0:00:03.0", "location=from-image.mp4, from-image.mp4, 0:00:04.0",
            "timeline.mp4, timeline.mp4, 0:00:03.0"})
    void writesItsClip(String marker, String file, String duration) throws Exception {
        run(marker);
        assertDuration(file, duration);
    }

    /**
     * A GES project saved with spacetime:// clips loads and renders with ges-launch-1.0 --load: the
     * file holds the URIs (not pixels), and the render shows each clip's background for its time.
     */
    @Test
    void gesProjectWithGeneratedClipsLoadsAndRenders() throws Exception {
        run("--save-only=file://$PWD/generated.xges");
        String project = Files.readString(dir.resolve("generated.xges"));
        assertTrue(project.contains("spacetime:///prompt=a red circle moves right on a black background"), project);
        assertTrue(project.contains("\\(int\\)64"), "typed restriction caps: " + project);
        run("--load=file://$PWD/generated.xges");
        assertDuration("generated.mp4", "0:00:03.0");
        InstalledPlugin.Result r = plugin.toolIn(dir, Map.of(), 120, "gst-launch-1.0", "-q", "filesrc",
                "location=generated.mp4", "!", "decodebin", "!", "videoconvert", "!", "video/x-raw,format=GRAY8",
                "!", "filesink", "location=generated.gray");
        assertEquals(0, r.exitCode(), r.all());
        byte[] gray = Files.readAllBytes(dir.resolve("generated.gray"));
        int frame = 64 * 64, frames = gray.length / frame;
        assertEquals(24, frames, "3 s at 8 fps");
        for (int f = 0; f < frames; f++) {
            int[] corners = {0, 63, 63 * 64, 64 * 64 - 1};       // the background, away from the objects
            double mean = 0;
            for (int c : corners) {
                mean += (gray[f * frame + c] & 255) / 4.0;
            }
            boolean firstClip = f < 16;
            assertTrue(firstClip ? mean < 80 : mean > 170, "frame " + f + " background " + mean + ": "
                    + (firstClip ? "black" : "white") + " as its prompt says");
        }
    }

    interface Step { void run() throws Exception; }

    /**
     * Runs the README example with {@code receiverMarker} in the background (a receiver that runs
     * until Ctrl-C), then {@code sender} after {@code beforeMs}, waits {@code afterMs}, and stops
     * the receiver as Ctrl-C does (SIGINT; its -e ends the file cleanly).
     */
    static void whileRunning(String receiverMarker, long beforeMs, Step sender, long afterMs) throws Exception {
        String receiver = plugin.readmeExamples(receiverMarker).get(0);
        Process rx = new ProcessBuilder("bash", "-c", "exec " + receiver).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("receiver.log").toFile()).start();
        rx.getOutputStream().close();
        try {
            Thread.sleep(beforeMs);
            sender.run();
            Thread.sleep(afterMs);
        } finally {
            new ProcessBuilder("kill", "-INT", Long.toString(rx.pid())).start().waitFor();
            rx.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            rx.destroyForcibly();
        }
    }

    /** The frames of an MPEG-TS file with H.264: their timestamps, decoded. */
    static List<Long> decodedTimestamps(String file) throws Exception {
        InstalledPlugin.Result r = plugin.toolIn(dir, Map.of(), 120, "gst-launch-1.0", "-v", "filesrc", "location=" + file,
                "!", "tsdemux", "!", "h264parse", "!", "avdec_h264", "!", "fakesink", "silent=false");
        assertEquals(0, r.exitCode(), r.all());
        return SpacetimeExtendTest.timestamps(r.all());
    }

    /** 1080i50: interlaced 1920x1080 at 25 frames (50 fields) a second, 4 s of it, in MPEG-TS. */
    @Test
    void broadcast1080i50Playout() throws Exception {
        run("location=playout-1080i50.ts");
        InstalledPlugin.Result d = plugin.toolIn(dir, Map.of(), 60, "gst-discoverer-1.0", "-v", "playout-1080i50.ts");
        for (String fact : new String[] {"width=(int)1920", "height=(int)1080", "framerate=(fraction)25/1",
                "Interlaced: true", "pixel-aspect-ratio=(fraction)1/1"}) {
            assertTrue(d.stdout().contains(fact), fact + " in " + d.all());
        }
        List<Long> pts = decodedTimestamps("playout-1080i50.ts");
        // A live source's frames carry running time, so videorate also fills the start-up before its first frame.
        assertTrue(pts.size() >= 95, "4 s at 25 frames a second: " + pts.size());
        for (int i = 1; i < pts.size(); i++) {
            assertEquals(40_000_000L, pts.get(i) - pts.get(i - 1), 1_000_000, "frame " + i + " follows without a gap");
        }
    }

    /** 720p25 over SRT on the loopback: the receiver gets the stream while the source plays. */
    @Test
    void broadcast720p25OverSrt() throws Exception {
        // The receiver runs until interrupted (Ctrl-C in a terminal); here: until the sender is done.
        whileRunning("srtsrc uri=srt://127.0.0.1:7001", 1000, () -> run("srtsink uri=srt://:7001"), 2000);
        List<Long> pts = decodedTimestamps("received.ts");
        assertTrue(pts.size() >= 90, "4 s at 25 fps received (the first key frame may be missed): " + pts.size());
        InstalledPlugin.Result d = plugin.toolIn(dir, Map.of(), 60, "gst-discoverer-1.0", "-v", "received.ts");
        assertTrue(d.stdout().contains("width=(int)1280") && d.stdout().contains("framerate=(fraction)25/1"), d.all());
    }

    /**
     * A live RTP input that stalls after 3 s: its output carries on at the input's rate with
     * generated frames, without a gap, until the receiver is stopped.
     */
    @Test
    void liveRtpInputStallIsFilled() throws Exception {
        // 5 s for the receiver's JVM and model to start; after the sender, 6 s of stall.
        whileRunning("location=filled.ts", 5000, () -> run("udpsink host=127.0.0.1 port=5004"), 6000);
        List<Long> pts = decodedTimestamps("filled.ts");
        assertTrue(pts.size() >= 8 * 7, "3 s of input and 6 s of stall at 8 fps, less start-up: " + pts.size());
        for (int i = 1; i < pts.size(); i++) {
            assertEquals(125_000_000L, pts.get(i) - pts.get(i - 1), 1_000_000, "frame " + i + " follows without a gap");
        }
    }

    @Test
    void progressOnTheBus() throws Exception {
        String out = run("grep spacetime-progress");
        assertTrue(out.contains("spacetime-progress") && out.contains("step="), out);
    }
}
