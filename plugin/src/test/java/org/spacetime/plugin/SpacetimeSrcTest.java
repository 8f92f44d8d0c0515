package org.spacetime.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

/** spacetimesrc with the shipped model, through the installed plugin and gst-launch-1.0. */
class SpacetimeSrcTest {
    @TempDir
    static Path tmp;
    static InstalledPlugin plugin;

    @BeforeAll
    static void install() throws Exception {
        plugin = new InstalledPlugin(tmp);
    }

    @Test
    void generatesTheCaptionedClipToFiles() throws Exception {
        // The default model is the install's own copy of the package, not the checkout's.
        Path installed = plugin.pluginDir.getParent().resolve("models");
        assertTrue(Files.readString(plugin.conf()).contains("option=-Dspacetime.models=" + installed + "\n"));
        assertTrue(Files.isRegularFile(installed.resolve("spacetime-world-v1/denoiser.onnx")));
        Path dir = Files.createDirectories(tmp.resolve("gen"));
        InstalledPlugin.Result r = plugin.tool(180, "gst-launch-1.0", "-q", "spacetimesrc",
                "prompt=a red circle moves right on a black background", "duration=3", "seed=0", "!", "videoconvert", "!",
                "pngenc", "!", "multifilesink", "location=" + dir.resolve("f%03d.png"));
        assertEquals(0, r.exitCode(), r.all());
        assertTrue(Files.exists(dir.resolve("f023.png")) && !Files.exists(dir.resolve("f024.png")), "3 s at 8 fps = 24 frames");
        // Seed 0 is pinned: CPU output is bit-identical per seed, and the default model gets motion
        // direction right for about 60 % of seeds (models/README.md), so this checks the whole path on a
        // known-good clip. The object: pixels far from the black background; its colour is red and it moves right.
        double firstX = Double.NaN, lastX = Double.NaN;
        long redish = 0, objectPixels = 0;
        for (int i = 0; i < 24; i++) {
            BufferedImage img = ImageIO.read(dir.resolve(String.format("f%03d.png", i)).toFile());
            assertEquals(64, img.getWidth());
            assertEquals(64, img.getHeight());
            double sx = 0;
            int n = 0;
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    int p = img.getRGB(x, y), red = p >> 16 & 255, g = p >> 8 & 255, b = p & 255;
                    if (Math.abs(red - 16) + Math.abs(g - 16) + Math.abs(b - 16) > 90) {
                        n++;
                        sx += x;
                        redish += red > 2 * g && red > 2 * b ? 1 : 0;
                    }
                }
            }
            objectPixels += n;
            if (n > 10) {
                if (Double.isNaN(firstX)) {
                    firstX = sx / n;
                }
                lastX = sx / n;
            }
        }
        assertTrue(objectPixels > 0, "an object is visible");
        assertTrue(redish > 0.9 * objectPixels, "the object is red: " + redish + "/" + objectPixels);
        assertTrue(lastX - firstX > 8, "it moves right: x " + firstX + " -> " + lastX);
    }

    /** gst-launch-1.0 prints GST_MESSAGE_PROGRESS: a bar over the whole clip, per step and window. */
    @Test
    void gstLaunchShowsAProgressBar() throws Exception {
        InstalledPlugin.Result r = plugin.tool(120, "gst-launch-1.0", "spacetimesrc",
                "prompt=a green circle moves up on a navy background", "duration=5", "steps=2", "!", "fakesink");
        assertEquals(0, r.exitCode(), r.all());
        String prefix = "Progress: (generate) \"a green circle moves up on a navy background\": ";
        // Window 2 is made while window 1 plays: its bar starts when the stream waits for it.
        for (String line : new String[] {"[....................] 0%, window 1/2\n",
                "[#####...............] 25%, window 1/2, step 1/2\n", "[##########..........] 50%, window 1/2 done\n",
                "[####################] 100%, window 2/2 done\n"}) {
            assertTrue(r.stdout().contains(prefix + line), prefix + line + " in " + r.stdout());
        }
    }

    /** GstMessageProgress carries the share of the job done in its own percent field, rising to 100. */
    @Test
    void progressMessagesCarryARisingPercent() throws Exception {
        InstalledPlugin.Result r = plugin.tool(120, "gst-launch-1.0", "-m", "spacetimesrc",
                "prompt=a red circle moves right on a black background", "duration=8", "steps=2", "!", "fakesink");
        assertEquals(0, r.exitCode(), r.all());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(progress\\).*percent=\\(int\\)(\\d+)").matcher(r.stdout());
        java.util.List<Integer> percents = new java.util.ArrayList<>();
        while (m.find()) {
            percents.add(Integer.parseInt(m.group(1)));
        }
        assertTrue(percents.size() >= 6 && percents.get(percents.size() - 1) == 100, percents.toString());
        assertTrue(percents.stream().anyMatch(p -> p > 0 && p < 100), percents.toString());
        for (int i = 1; i < percents.size(); i++) {
            assertTrue(percents.get(i) >= percents.get(i - 1), "percent never falls: " + percents);
        }
    }

    /**
     * The first frame waits for one window, not two: a window made ahead in the background posts no
     * GST_MESSAGE_PROGRESS (gst-launch holds a prerolled pipeline until every operation completes).
     */
    @Test
    void firstFrameAfterOneWindow() throws Exception {
        InstalledPlugin.Result r = plugin.tool(120, "gst-launch-1.0", "-m", "spacetimesrc",
                "prompt=a red circle moves right on a black background", "num-buffers=1", "steps=4", "!", "fakesink");
        assertEquals(0, r.exitCode(), r.all());
        assertTrue(r.stdout().contains("(progress)") && r.stdout().contains("window\\ 1"), r.stdout());
        assertFalse(r.stdout().contains("Prerolled, waiting for progress to finish"), r.stdout());
        assertFalse(r.stdout().matches("(?s).*\\(progress\\)[^\\n]*window\\\\ 2.*"), "no progress for window 2: " + r.stdout());
    }

    /**
     * The Java side logs into GStreamer's debug log, in the element's own category, with the
     * element as the object: GST_DEBUG=spacetimesrc:6 shows it (here through GST_DEBUG_FILE).
     */
    @Test
    void javaLogsAppearInTheElementsDebugCategory() throws Exception {
        Path log = tmp.resolve("debug.log");
        // The README's example (Logging), as written, with the log in a file.
        String example = Files.readString(plugin.root.resolve("README.md")).lines()
                .filter(l -> l.startsWith("GST_DEBUG=spacetimesrc:6 gst-launch-1.0")).findFirst().orElseThrow();
        InstalledPlugin.Result r = plugin.tool(java.util.Map.of("GST_DEBUG_FILE", log.toString(), "GST_DEBUG_NO_COLOR", "1"),
                120, "bash", "-c", example);
        assertEquals(0, r.exitCode(), r.all());
        String lines = Files.readString(log);
        assertTrue(lines.matches("(?s).*DEBUG +spacetimesrc SpacetimeSrc\\.java:0:[^:]*:<spacetimesrc0> started: model "
                + "spacetime-world-v1.*"), lines);
        assertTrue(lines.matches("(?s).*LOG +spacetimesrc SpacetimeSrc\\.java:0:[^:]*:<spacetimesrc0> frame 1 at 125000000 ns.*"),
                lines);
        assertTrue(lines.contains("<spacetimesrc0> model spacetime-world-v1 loaded on CPU"), "the runtime's lines too");
        assertFalse(r.stderr().contains("started: model"), "stderr keeps its warnings-only level");
    }

    /**
     * A process that loads the plugin leaves nothing in /tmp: ONNX Runtime's native libraries are
     * installed beside the jars (no unpacking into /tmp/onnxruntime-java*, 16 MB a process before),
     * and its empty temporary directory is removed once it has loaded.
     */
    @Test
    void generatingLeavesNothingInTmp() throws Exception {
        java.util.function.Supplier<java.util.Set<String>> ortDirs = () -> {
            try (var s = Files.list(Path.of("/tmp"))) {     // where a gst-launch process's JVM writes
                return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("onnxruntime-java"))
                        .collect(java.util.stream.Collectors.toSet());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        java.util.Set<String> before = ortDirs.get();
        InstalledPlugin.Result r = plugin.tool(120, "gst-launch-1.0", "-q", "spacetimesrc",
                "prompt=a red circle moves right on a black background", "duration=1", "steps=1", "!", "fakesink");
        assertEquals(0, r.exitCode(), r.all());
        java.util.Set<String> left = ortDirs.get();
        left.removeAll(before);
        assertTrue(left.isEmpty(), "left in /tmp: " + left);
        assertTrue(Files.readString(plugin.conf()).contains("-Donnxruntime.native.path="), "the install names the libraries");
    }

    /**
     * A process whose JVM is killed, or that leaves through _exit (gst-plugin-scanner does, and an
     * editor its window manager kills), leaves no attach socket /tmp/.java_pid<pid> behind: the
     * plugin's JVM runs with -Xrs, which opens that socket at start, so the loader turns attaching off.
     */
    @Test
    void aKilledProcessLeavesNoAttachSocket() throws Exception {
        Path log = tmp.resolve("attach.log");
        ProcessBuilder pb = new ProcessBuilder("gst-launch-1.0", "-q", "spacetimesrc",
                "prompt=a red circle moves right on a black background", "duration=0", "steps=1", "!", "fakesink")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("GST_PLUGIN_PATH", plugin.pluginDir.toString());
        pb.environment().put("GST_REGISTRY_1_0", plugin.registry.toString());
        pb.environment().put("GST_DEBUG", "spacetime*:6");
        pb.environment().put("GST_DEBUG_FILE", log.toString());
        Process p = pb.start();
        Path socket = Path.of("/tmp/.java_pid" + p.pid());
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!(Files.exists(log) && Files.readString(log).contains("frame 0 at")) && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(Files.readString(log).contains("frame 0 at"), "the stream started");
            assertFalse(Files.exists(socket), "the running JVM has no attach socket in /tmp");
        } finally {
            p.destroyForcibly();
            p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            Files.deleteIfExists(socket);
        }
    }

    /**
     * Broadcast caps straight after the source: the caps query says what the model makes (8/1,
     * allowed sizes, square pixels, progressive), so videorate and videoscale convert to anything
     * with no capsfilter after the source. Before, the source picked 25/1 and failed to negotiate.
     */
    @Test
    void rateAndSizeConvertersAfterTheSourceNegotiateAnyBroadcastCaps() throws Exception {
        Path out = tmp.resolve("hd.yuv");
        InstalledPlugin.Result r = plugin.tool(180, "gst-launch-1.0", "-q", "spacetimesrc",
                "prompt=a red circle moves right on a black background", "duration=1", "steps=2", "!", "videorate", "!",
                "videoscale", "!", "videoconvert", "!", "video/x-raw,format=I420,width=1280,height=720,framerate=25/1", "!",
                "filesink", "location=" + out);
        assertEquals(0, r.exitCode(), r.all());
        // The source's segment stops at the clip's end (as a demuxer's does at the file's), so videorate
        // fills the last frame's time too: 1 s. Before, it stopped at the last frame's start (0.84 s, 22
        // frames), as it does after videotestsrc num-buffers, whose end is unknown.
        assertEquals(25, Files.size(out) / (1280 * 720 * 3 / 2), "1 s of 8 fps made into 25 fps frames");
        Files.delete(out);
    }

    /**
     * is-live waits for each frame's time on the pipeline clock (as videotestsrc is-live=true does),
     * also into a sink that does not sync: gst-launch's "Execution ended after" (PLAYING to EOS)
     * covers the 32 frames' 3.875 s. Unpaced, the same ran in under 1 s here.
     */
    @Test
    void isLiveIsPacedToTheClock() throws Exception {
        InstalledPlugin.Result r = plugin.tool(120, "gst-launch-1.0", "spacetimesrc",
                "prompt=a white circle moves down on a black background", "is-live=true", "duration=4", "steps=2", "!",
                "fakesink", "sync=false");
        assertEquals(0, r.exitCode(), r.all());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Execution ended after (\\d+):(\\d+):(\\d+)\\.(\\d+)")
                .matcher(r.stdout());
        assertTrue(m.find(), r.all());
        double seconds = Integer.parseInt(m.group(2)) * 60 + Integer.parseInt(m.group(3)) + Double.parseDouble("0." + m.group(4));
        assertTrue(seconds >= 3.8, "PLAYING to EOS took " + seconds + " s; the frames span 3.875 s");
    }

    @Test
    void spacetimeUriWorksInGstLaunchPlaybinAndUridecodebin() throws Exception {
        String uri = "spacetime:///?prompt=a%20red%20circle%20moves%20left%20on%20a%20black%20background&duration=1&steps=2";
        InstalledPlugin.Result launch = plugin.tool(120, "gst-launch-1.0", "-q", uri, "!", "fakesink");
        assertEquals(0, launch.exitCode(), launch.all());
        InstalledPlugin.Result playbin = plugin.tool(120, "gst-launch-1.0", "-q", "playbin", "uri=" + uri,
                "video-sink=fakesink", "audio-sink=fakesink");
        assertEquals(0, playbin.exitCode(), playbin.all());
        InstalledPlugin.Result decode = plugin.tool(120, "gst-launch-1.0", "-q", "uridecodebin", "uri=" + uri, "!",
                "videoconvert", "!", "fakesink");
        assertEquals(0, decode.exitCode(), decode.all());
        InstalledPlugin.Result bad = plugin.tool(60, "gst-launch-1.0", "-q", "spacetime:///?colour=red", "!", "fakesink");
        assertNotEquals(0, bad.exitCode());
        assertTrue(bad.all().contains("unknown spacetime URI parameter 'colour'; accepted: prompt"), bad.all());
    }

    /**
     * A GES timeline of two generated clips rendered by ges-launch-1.0 (GES discovers each URI's
     * duration, then seeks and plays it inside its composition): 2 s of a red object on black,
     * then 1 s of a blue one on white, 24 frames at the track's 8 fps.
     */
    @Test
    void gesLaunchRendersATimelineOfGeneratedClips() throws Exception {
        Path out = tmp.resolve("timeline.mkv"), raw = tmp.resolve("timeline.rgb");
        InstalledPlugin.Result r = plugin.tool(180, "ges-launch-1.0", "-t", "video",
                "--video-caps=video/x-raw,width=64,height=64,framerate=8/1",
                "+clip", "spacetime:///prompt=a%20red%20circle%20moves%20right%20on%20a%20black%20background&duration=2",
                "+clip", "spacetime:///prompt=a%20blue%20square%20moves%20left%20on%20a%20white%20background&duration=1",
                "-o", out.toUri().toString(), "--format=video/x-matroska:video/x-raw");
        assertEquals(0, r.exitCode(), r.all());
        InstalledPlugin.Result decode = plugin.tool(60, "gst-launch-1.0", "-q", "filesrc", "location=" + out, "!",
                "matroskademux", "!", "videoconvert", "!", "video/x-raw,format=RGB", "!", "filesink", "location=" + raw);
        assertEquals(0, decode.exitCode(), decode.all());
        byte[] rgb = Files.readAllBytes(raw);
        int frame = 64 * 64 * 3;
        assertEquals(24 * frame, rgb.length, "3 s of timeline at 8 fps");
        int[] framesWithObject = new int[2];
        for (int f = 0; f < 24; f++) {
            boolean first = f < 16;
            int[] bg = first ? new int[] {16, 16, 16} : new int[] {236, 236, 236};
            long background = 0, object = 0, objectOfColour = 0;
            for (int p = 0; p < 64 * 64; p++) {
                int o = f * frame + p * 3, red = rgb[o] & 255, g = rgb[o + 1] & 255, b = rgb[o + 2] & 255;
                int distance = Math.abs(red - bg[0]) + Math.abs(g - bg[1]) + Math.abs(b - bg[2]);
                if (distance < 40) {
                    background++;
                } else if (distance > 90) {
                    object++;
                    objectOfColour += first ? (red > 2 * g && red > 2 * b ? 1 : 0) : (b > red + 40 && b > g + 40 ? 1 : 0);
                }
            }
            String clip = "frame " + f + " (clip " + (first ? "1, red on black" : "2, blue on white") + ")";
            assertTrue(background > 64 * 64 / 2, clip + ": mostly its background, " + background + " pixels");
            framesWithObject[first ? 0 : 1] += object > 20 && objectOfColour > 0.6 * object ? 1 : 0;
        }
        // A moving object may leave the frame (WORLD.md), so most frames, not all, show it.
        assertTrue(framesWithObject[0] >= 12, "clip 1: a red object in " + framesWithObject[0] + " of 16 frames");
        assertTrue(framesWithObject[1] >= 6, "clip 2: a blue object in " + framesWithObject[1] + " of 8 frames");
    }

    /**
     * The class-data archive made at install time holds what an element's start, negotiation and
     * streaming load (ClassDataWarmUp runs a pipeline): a start maps those classes from it instead
     * of loading them from the jars.
     */
    @Test
    void startUpMapsTheStreamingClassesFromTheInstallTimeArchive() throws Exception {
        Path log = tmp.resolve("classes-loaded.txt");
        InstalledPlugin.Result r = plugin.tool(Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log), 120,
                "gst-launch-1.0", "-q", "spacetimesrc", "prompt=a red circle moves right on a black background", "steps=1",
                "num-buffers=1", "!", "fakesink");
        assertEquals(0, r.exitCode(), r.all());
        String loaded = Files.readString(log);
        for (String c : new String[] {"org.spacetime.gst.elements.SpacetimeSrc$State", "org.spacetime.gst.elements.WindowPrefetcher",
                "org.spacetime.models.WindowedGenerator", "org.spacetime.gst.framework.VideoInfo"}) {
            assertTrue(loaded.contains(c + " source: shared objects file"), c + " was not mapped from the archive:\n"
                    + loaded.lines().filter(l -> l.contains(c + " ")).findFirst().orElse("(not loaded)"));
        }
    }

    /**
     * A plugin load starts no child process: JNA's library directories come from the install
     * (JnaPlatformLibraryPath) instead of an {@code ldconfig -p} run at every start.
     */
    @Test
    void startUpRunsNoChildProcess() throws Exception {
        Path trace = tmp.resolve("execve.txt");
        InstalledPlugin.Result r = plugin.tool(120, "strace", "-f", "-qq", "-e", "trace=execve", "-o", trace.toString(),
                "gst-launch-1.0", "-q", "spacetimesrc", "prompt=a red circle moves right on a black background", "steps=1",
                "num-buffers=1", "!", "fakesink");
        assertEquals(0, r.exitCode(), r.all());
        List<String> programs = Files.readAllLines(trace).stream().filter(l -> l.contains("execve(\""))
                .map(l -> l.replaceAll(".*execve\\(\"([^\"]*)\".*", "$1")).toList();
        // GStreamer's registry scanner may run (a new install); the plugin's JVM then starts in it.
        assertEquals(List.of("gst-launch-1.0"), programs.stream().map(p -> Path.of(p).getFileName().toString())
                .filter(name -> !name.equals("gst-plugin-scanner")).toList(), "programs started: " + programs);
    }

    @Test
    void inspectDocumentsEveryProperty() throws Exception {
        InstalledPlugin.Result r = plugin.tool(60, "gst-inspect-1.0", "spacetimesrc");
        assertEquals(0, r.exitCode(), r.all());
        for (String p : new String[] {"prompt", "negative-prompt", "model", "seed", "steps", "guidance", "sampler",
                "device", "duration", "num-buffers"}) {
            assertTrue(r.stdout().matches("(?s).*\\n  " + p + "\\s+: .*"), p + " in " + r.stdout());
        }
        assertTrue(r.stdout().contains("(0): dpm++2m"), r.stdout());
        assertTrue(r.stdout().contains("Source/Video"));
        assertTrue(r.stdout().contains("URI handling capabilities") && r.stdout().contains("spacetime"), r.stdout());
    }
}
