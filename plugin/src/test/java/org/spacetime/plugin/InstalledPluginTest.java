package org.spacetime.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.spacetime.gst.testelements.TestFrames;

/** The Java elements through the native loader, driven by the stock C tools. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstalledPluginTest {
    @TempDir
    static Path tmp;
    static InstalledPlugin plugin;

    @BeforeAll
    static void install() throws Exception {
        plugin = new InstalledPlugin(tmp);
    }

    @Test
    @Order(1)
    void gstInspectDocumentsTheJavaElements() throws Exception {
        InstalledPlugin.Result r = plugin.tool(60, "gst-inspect-1.0", "spacetimetestsrc");
        assertEquals(0, r.exitCode(), r.all());
        String out = r.stdout();
        assertTrue(out.contains("Klass                    Source/Video"), out);
        assertTrue(out.contains("spacetime"), out);
        assertTrue(out.matches("(?s).*pattern\\s+: Offset mixed into every pixel value.*"), out);
        assertTrue(out.matches("(?s).*Integer\\. Range: 0 - 255 Default: 0.*"), out);
        assertTrue(out.matches("(?s).*fail-at\\s+: Throw a Java exception.*Integer\\. Range: -1 - 2147483647 Default: -1.*"), out);
        assertTrue(out.contains("changeable only in NULL or READY state"), out);
        assertTrue(out.contains("video/x-raw"), out);
        assertTrue(out.matches("(?s).*Element Actions:.*\"bump-pattern\".*"), out);

        InstalledPlugin.Result filter = plugin.tool(60, "gst-inspect-1.0", "spacetimetestinvert");
        assertTrue(filter.stdout().contains("Filter/Effect/Video"), filter.all());
        InstalledPlugin.Result all = plugin.tool(60, "gst-inspect-1.0", "spacetime");
        assertTrue(all.stdout().contains("7 features"), all.all());
        assertTrue(all.stdout().contains("spacetimerestyle: Spacetime video restyler"), all.all());
        assertTrue(all.stdout().contains("spacetimeconnect: Spacetime clip connector"), all.all());
        assertTrue(all.stdout().contains("spacetimeextend: Spacetime video extender"), all.all());
    }


    @Test
    @Order(3)
    void gstLaunchRunsToEosAndTheFileDecodesToTheExpectedFrames() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("frames"));
        InstalledPlugin.Result r = plugin.tool(60, "gst-launch-1.0", "-q", "spacetimetestsrc", "num-buffers=5", "pattern=3",
                "!", "video/x-raw,width=16,height=8", "!", "spacetimetestinvert", "!", "videoconvert", "!", "pngenc",
                "!", "multifilesink", "location=" + dir.resolve("f%02d.png"));
        assertEquals(0, r.exitCode(), r.all());
        for (int i = 0; i < 5; i++) {
            BufferedImage img = ImageIO.read(dir.resolve(String.format("f%02d.png", i)).toFile());
            assertEquals(16, img.getWidth());
            assertEquals(8, img.getHeight());
            byte[] expected = TestFrames.frame(16, 8, i, 3);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 16; x++) {
                    int rgb = img.getRGB(x, y);
                    int at = (y * 16 + x) * 3;
                    int er = ~expected[at] & 0xff, eg = ~expected[at + 1] & 0xff, eb = ~expected[at + 2] & 0xff;
                    assertEquals((er << 16) | (eg << 8) | eb, rgb & 0xffffff, "frame " + i + " pixel " + x + "," + y);
                }
            }
        }
        assertFalse(Files.exists(dir.resolve("f05.png")), "exactly 5 frames");
    }

    @Test
    @Order(4)
    void javaExceptionBecomesAnErrorAndExitCode1() throws Exception {
        InstalledPlugin.Result r = plugin.tool(60, "gst-launch-1.0", "spacetimetestsrc", "fail-at=2", "!", "fakesink");
        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.all().contains("test failure requested at frame 2"), r.all());
        assertFalse(r.all().contains("Caught SIGSEGV"), r.all());
    }

    @Test
    @Order(5)
    void jvmInternalSignalsDoNotCrashGstLaunch() throws Exception {
        InstalledPlugin.Result r = plugin.tool(120, "gst-launch-1.0", "-q", "spacetimetestsrc", "num-buffers=300",
                "npe-storm=true", "!", "spacetimetestinvert", "!", "fakesink");
        assertEquals(0, r.exitCode(), r.all());
        assertFalse(r.all().contains("SIGSEGV"), r.all());
    }

    @Test
    @Order(6)
    void uriSchemeIsHandledByTheJavaElement() throws Exception {
        InstalledPlugin.Result r = plugin.tool(60, "gst-launch-1.0", "-q", "sttest:///?pattern=4", "!",
                "identity", "eos-after=3", "!", "fakesink");
        assertEquals(0, r.exitCode(), r.all());
        InstalledPlugin.Result bad = plugin.tool(60, "gst-launch-1.0", "-q", "sttest:///?colour=4", "!", "fakesink");
        assertNotEquals(0, bad.exitCode(), bad.all());
    }

    @Test
    @Order(7)
    void brokenClassPathFailsWithAReasonAndReinstallRecovers() throws Exception {
        String good = Files.readString(plugin.conf());
        Files.writeString(plugin.conf(), "classpath=/nonexistent/spacetime.jar\n");
        forceRescan(3_600_000);
        InstalledPlugin.Result broken = plugin.tool(60, "gst-inspect-1.0", "spacetimetestsrc");
        assertNotEquals(0, broken.exitCode());
        assertTrue(broken.all().contains("PluginEntry not found on classpath /nonexistent/spacetime.jar"), broken.all());

        plugin.install();   // the documented fix: re-run the installer; no registry deleted by hand
        assertTrue(Files.readString(plugin.conf()).contains("classpath="), good);
        InstalledPlugin.Result fixed = plugin.tool(60, "gst-inspect-1.0", "spacetimetestsrc");
        assertEquals(0, fixed.exitCode(), fixed.all());
    }

    /**
     * Makes GStreamer scan the plugin again at its next load (its registry keeps a plugin whose
     * file's mtime and size are unchanged): the file's mtime moves {@code millis} into the past.
     * Not into the future: the reinstall's fresh copy could then land in the same second, look
     * unchanged, and leave the broken scan in the registry (it did, on a slower machine).
     */
    private static void forceRescan(long millis) throws java.io.IOException {
        Files.setLastModifiedTime(plugin.pluginDir.resolve("libgstspacetime.so"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - millis));
    }

    @Test
    @Order(8)
    void missingJvmFailsWithAReason() throws Exception {
        String conf = Files.readString(plugin.conf()).replaceAll("(?m)^jvm=.*$", "jvm=/nonexistent/libjvm.so");
        Files.writeString(plugin.conf(), conf);
        forceRescan(7_200_000);
        InstalledPlugin.Result r = plugin.tool(Map.of("JAVA_HOME", "/nonexistent", "PATH", "/usr/bin:/bin"), 60,
                "bash", "-c", "PATH=/nonexistent-bin exec /usr/bin/gst-inspect-1.0 spacetimetestsrc");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.all().contains("no JVM found"), r.all());
        plugin.install();
        assertEquals(0, plugin.tool(60, "gst-inspect-1.0", "spacetimetestsrc").exitCode());
    }
}
