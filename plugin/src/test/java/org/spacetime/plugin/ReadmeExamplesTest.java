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
 * examples are in {@link SpacetimeExtendTest}; the ones that open a window, play, or listen on UDP
 * need a display or a sender and are not run here.
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

    @Test
    void progressOnTheBus() throws Exception {
        String out = run("grep spacetime-progress");
        assertTrue(out.contains("spacetime-progress") && out.contains("step="), out);
    }
}
