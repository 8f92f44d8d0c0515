package org.spacetime.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings, model packages, images, URIs and input sizes are untrusted input: through gst-launch
 * and playbin each bad case fails the state change with an error naming the cause and what is
 * accepted (exit code 255, as filesrc's missing file), never a hang, a JVM crash or silent output.
 */
class UntrustedInputTest {
    @TempDir
    static Path tmp;
    static InstalledPlugin plugin;
    static final String PROMPT = "prompt=a red circle moves right on a black background";

    @BeforeAll
    static void install() throws Exception {
        plugin = new InstalledPlugin(tmp);
    }

    static Path shipped() {
        return plugin.root.resolve("models/spacetime-world-v1");
    }

    /** A copy of the shipped package, for a test to damage. */
    static Path packageCopy(String name) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        try (var files = Files.list(shipped())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    static void assertRefused(InstalledPlugin.Result r, String... expected) {
        assertNotEquals(0, r.exitCode(), r.all());
        for (String e : expected) {
            assertTrue(r.all().contains(e), "'" + e + "' in:\n" + r.all());
        }
        assertFalse(r.all().contains("SIGSEGV") || r.all().contains("Internal error"), r.all());
    }

    /** The bad-input cases: each gst-launch command line and the text its error must contain. */
    record Case(String name, List<String> command, String expected) {}

    static List<Case> cases() throws Exception {
        Path corrupt = tmp.resolve("corrupt-model");
        if (!Files.exists(corrupt)) {
            packageCopy("corrupt-model");
            byte[] denoiser = Files.readAllBytes(shipped().resolve("denoiser.onnx"));
            Files.write(corrupt.resolve("denoiser.onnx"), java.util.Arrays.copyOf(denoiser, 100_000));
        }
        Path notImage = Files.writeString(tmp.resolve("not-an-image.png"), "text");
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("no model", List.of("spacetimesrc", PROMPT, "model=/nonexistent/pkg", "!", "fakesink"),
                "/nonexistent/pkg does not exist"));
        cases.add(new Case("no prompt", List.of("spacetimesrc", "!", "fakesink"), "prompt is empty"));
        cases.add(new Case("damaged model", List.of("spacetimesrc", PROMPT, "model=" + corrupt, "!", "fakesink"),
                corrupt.resolve("denoiser.onnx") + " does not match model.json field 'files.denoiser.sha256'"));
        cases.add(new Case("no image", List.of("spacetimesrc", PROMPT, "image=/nonexistent/first.png", "!", "fakesink"),
                "image file /nonexistent/first.png does not exist (image= takes a PNG or JPEG file)"));
        cases.add(new Case("not an image", List.of("spacetimesrc", PROMPT, "image=" + notImage, "!", "fakesink"),
                notImage + " is not a PNG or JPEG image"));
        cases.add(new Case("extend, no model", List.of("videotestsrc", "num-buffers=2", "!", "spacetimeextend",
                "model=/nonexistent/pkg", "!", "fakesink"), "/nonexistent/pkg does not exist"));
        return cases;
    }

    @Test
    void badSettingsFailTheStateChangeWithAClearError() throws Exception {
        for (Case c : cases()) {
            List<String> cmd = new ArrayList<>(List.of("gst-launch-1.0"));
            cmd.addAll(c.command);
            InstalledPlugin.Result r = plugin.tool(60, cmd.toArray(String[]::new));
            assertRefused(r, c.expected, "doesn't want to preroll");
            assertEquals(255, r.exitCode(), c.name + ": gst-launch's exit code for a failed state change, as for "
                    + "filesrc location=/missing");
        }
        InstalledPlugin.Result badSize = plugin.tool(60, "gst-launch-1.0", "spacetimesrc", PROMPT,
                "!", "video/x-raw,width=60,height=64", "!", "fakesink");
        assertRefused(badSize, "multiples of 16");
    }

    /**
     * Every bad-input case run again and again under a timeout: an error reported from the first
     * buffer hung gst-launch 1.22 in about 3 % of runs, and a damaged package crashed it (SIGSEGV)
     * in about 1 % while other files were still being hashed; a failed state change must never
     * hang or crash. plugin/bench/error-stress.sh runs the same loop 50 times per case (README).
     */
    @Test
    void noBadInputCaseEverHangsOrCrashes() throws Exception {
        int rounds = Integer.getInteger("spacetime.stressRounds", 4);
        List<String> hung = new ArrayList<>(), crashed = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            for (Case c : cases()) {
                List<String> cmd = new ArrayList<>(List.of("timeout", "30", "gst-launch-1.0"));
                cmd.addAll(c.command);
                InstalledPlugin.Result r = plugin.tool(60, cmd.toArray(String[]::new));
                if (r.exitCode() == 124) {
                    hung.add(c.name);
                } else if (r.exitCode() > 128 && r.exitCode() != 255) {
                    crashed.add(c.name + " (exit " + r.exitCode() + ")");
                }
            }
        }
        assertEquals(List.of(), hung, "hung");
        assertEquals(List.of(), crashed, "died of a signal");
    }

    /** A package's files are confined to it; the same checks run for a spacetime:// URI's model=. */
    @Test
    void uriModelAndImageGoThroughTheSameChecks() throws Exception {
        Path escaping = packageCopy("escaping-model");
        String json = Files.readString(escaping.resolve("model.json"));
        Files.writeString(escaping.resolve("model.json"), json.replace("\"tokenizer.json\"", "\"/etc/passwd\""));
        String prompt = URLEncoder.encode("a red circle moves right on a black background", StandardCharsets.UTF_8);
        InstalledPlugin.Result r = plugin.tool(60, "gst-launch-1.0", "playbin",
                "uri=spacetime:///?prompt=" + prompt + "&model=" + escaping, "video-sink=fakesink", "audio-sink=fakesink");
        assertRefused(r, "field 'text.tokenizer' is /etc/passwd, outside the package");

        Path wide = tmp.resolve("wide.png");
        ImageIO.write(new BufferedImage(8200, 8, BufferedImage.TYPE_INT_RGB), "png", wide.toFile());
        r = plugin.tool(60, "gst-launch-1.0", "playbin", "uri=spacetime:///?prompt=" + prompt + "&image=" + wide,
                "video-sink=fakesink", "audio-sink=fakesink");
        assertRefused(r, "image file " + wide + " is 8200x8 pixels; image= accepts at most 8192x8192");
    }

    static Path blueImage(String name, int width, int height) throws Exception {
        Path file = tmp.resolve(name);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setColor(new java.awt.Color(0, 0, 255));
        g.fillRect(0, 0, width, height);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    byte[] firstFrame(Path image) throws Exception {
        Path first = tmp.resolve(image.getFileName() + ".rgb");
        InstalledPlugin.Result r = plugin.tool(120, "gst-launch-1.0", "-q", "spacetimesrc", PROMPT, "image=" + image,
                "num-buffers=1", "steps=1", "!", "video/x-raw,format=RGB,width=96,height=64", "!", "filesink",
                "location=" + first);
        assertEquals(0, r.exitCode(), r.all());
        return Files.readAllBytes(first);
    }

    /** A large photo is decoded subsampled (no full-size copy): the clip is that of a small copy of it. */
    @Test
    void largeImagesAreDecodedSmall() throws Exception {
        byte[] large = firstFrame(blueImage("photo.png", 6000, 4000)), small = firstFrame(blueImage("small.png", 600, 400));
        assertEquals(96 * 64 * 3, large.length);
        assertTrue(java.util.Arrays.equals(large, small), "the 6000x4000 image gives the 600x400 one's frame");
        assertTrue((large[2] & 0xff) > (large[0] & 0xff) + 40, "a blue first frame");
    }

    @Test
    void oversizeExtendInputIsRefusedWithTheLimit() throws Exception {
        InstalledPlugin.Result r = plugin.tool(60, "gst-launch-1.0", "videotestsrc", "num-buffers=2", "!",
                "video/x-raw,width=8200,height=64", "!", "spacetimeextend", "duration=1", "!", "fakesink");
        assertRefused(r, "input frames of 8200x64 are larger than spacetimeextend accepts: at most 8192 pixels a side");
    }

    /** Prompts are bounded, and escaped and shortened where shown: they cannot drive a terminal. */
    @Test
    void promptsAreBoundedAndEscapedWhereShown() throws Exception {
        InstalledPlugin.Result r = plugin.tool(60, "gst-launch-1.0", "spacetimesrc", "prompt=" + "a red circle ".repeat(400),
                "!", "fakesink");
        assertRefused(r, "prompt is 5200 characters long; at most 4000 are accepted");

        r = plugin.tool(120, "gst-launch-1.0", "-m", "spacetimesrc", "prompt=a red \u001b[31mcircle moves right on a "
                + "black background " + "and on ".repeat(20), "duration=8", "steps=2", "!", "fakesink");
        assertEquals(0, r.exitCode(), r.all());
        assertFalse(r.all().contains("\u001b"), "no raw escape character reaches the terminal");
        assertTrue(r.all().contains("u001b"), "escaped as \\u001b: " + r.all());
        assertTrue(r.all().matches("(?s).*cut\\\\? from\\\\? \\d+\\\\? characters.*"), "shortened: " + r.all());
    }
}
