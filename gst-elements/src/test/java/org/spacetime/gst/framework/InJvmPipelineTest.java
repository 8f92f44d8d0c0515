package org.spacetime.gst.framework;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.sun.jna.Pointer;

import org.freedesktop.gstreamer.Bin;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.Sample;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.Version;
import org.freedesktop.gstreamer.elements.AppSink;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spacetime.gst.jna.GLib;
import org.spacetime.gst.testelements.TestFrames;

/** Java element types registered in this JVM and run in real GStreamer pipelines. */
class InJvmPipelineTest {

    @BeforeAll
    static void init() {
        Gst.init(Version.of(1, 16), "InJvmPipelineTest");
        assertEquals(7, PluginEntry.registerAll(null), "spacetimesrc, spacetimeextend, spacetimerestyle, spacetimeconnect "
                + "and the 3 test elements, found through ServiceLoader");
    }

    /** AppSink.pullSample with a time limit: on timeout the pipeline is stopped (which unblocks it). */
    private static Sample pullWithin(Pipeline p, AppSink sink, int seconds) {
        CompletableFuture<Sample> f = CompletableFuture.supplyAsync(sink::pullSample);
        try {
            return f.get(seconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.setState(State.NULL);
            throw new AssertionError("no sample within " + seconds + " s", e);
        }
    }

    private static List<byte[]> pull(String launch, int expected, List<Long> pts) {
        Pipeline p = (Pipeline) Gst.parseLaunch(launch);
        AppSink sink = (AppSink) ((Bin) p).getElementByName("sink");
        List<byte[]> frames = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        p.getBus().connect((Bus.ERROR) (source, code, message) -> errors.add(message));
        p.play();
        for (int i = 0; i < expected; i++) {
            Sample s = pullWithin(p, sink, 10);
            assertNotNull(s, "sample " + i + " (bus errors: " + errors + ")");
            org.freedesktop.gstreamer.Buffer b = s.getBuffer();
            ByteBuffer bb = b.map(false);
            byte[] bytes = new byte[bb.remaining()];
            bb.get(bytes);
            b.unmap();
            pts.add(b.getPresentationTimestamp());
            frames.add(bytes);
            s.dispose();
        }
        assertEquals(null, pullWithin(p, sink, 10), "EOS after " + expected + " frames");
        assertTrue(sink.isEOS());
        p.stop();
        p.dispose();
        return frames;
    }

    private static byte[] packed(int w, int h, int index, int pattern, boolean invert) {
        byte[] rgb = TestFrames.frame(w, h, index, pattern);
        int stride = TestFrames.stride(w);
        byte[] out = new byte[stride * h];
        for (int y = 0; y < h; y++) {
            for (int i = 0; i < w * 3; i++) {
                byte v = rgb[y * w * 3 + i];
                out[y * stride + i] = invert ? (byte) ~v : v;
            }
        }
        return out;
    }

    @Test
    void sourceProducesKnownFramesWithTimestamps() {
        List<Long> pts = new ArrayList<>();
        List<byte[]> frames = pull("spacetimetestsrc num-buffers=4 pattern=7 ! video/x-raw,width=10,height=6 ! "
                + "appsink name=sink sync=false", 4, pts);
        for (int i = 0; i < 4; i++) {
            // Compare pixels, not padding: pixel bytes of every row.
            byte[] expected = packed(10, 6, i, 7, false);
            for (int y = 0; y < 6; y++) {
                for (int x = 0; x < 30; x++) {
                    int at = y * TestFrames.stride(10) + x;
                    assertEquals(expected[at], frames.get(i)[at], "frame " + i + " byte " + at);
                }
            }
            assertEquals(i * 125_000_000L, pts.get(i).longValue());
        }
    }

    @Test
    void fixationChoosesThePreferredSize() {
        List<byte[]> frames = pull("spacetimetestsrc num-buffers=1 ! appsink name=sink sync=false", 1, new ArrayList<>());
        assertEquals(TestFrames.stride(32) * 24, frames.get(0).length, "fixated to 32x24");
    }

    @Test
    void filterWithOwnPadsChangesPixels() {
        List<byte[]> frames = pull("spacetimetestsrc num-buffers=3 pattern=3 ! video/x-raw,width=8,height=4 ! "
                + "spacetimetestinvert ! appsink name=sink sync=false", 3, new ArrayList<>());
        for (int i = 0; i < 3; i++) {
            byte[] expected = packed(8, 4, i, 3, true);
            assertArrayEquals(expected, frames.get(i), "inverted frame " + i);
        }
    }

    @Test
    void propertiesSetAndGetThroughGst1JavaCore() {
        org.freedesktop.gstreamer.Element e = org.freedesktop.gstreamer.ElementFactory.make("spacetimetestsrc", "src");
        assertEquals(0, e.get("pattern"));
        e.set("pattern", 42);
        assertEquals(42, e.get("pattern"));
        e.set("npe-storm", true);
        assertEquals(true, e.get("npe-storm"));
        assertEquals(-1, e.get("fail-at"));
        e.emit("bump-pattern");
        assertEquals(43, e.get("pattern"), "action signal ran the Java handler");
        e.dispose();
    }

    @Test
    void exceptionInCreateBecomesAnErrorMessage() throws Exception {
        Pipeline p = (Pipeline) Gst.parseLaunch("spacetimetestsrc fail-at=2 ! fakesink");
        CompletableFuture<String> error = new CompletableFuture<>();
        p.getBus().connect((Bus.ERROR) (source, code, message) -> error.complete(message));
        p.play();
        String message = error.get(10, TimeUnit.SECONDS);
        assertTrue(message.contains("test failure requested at frame 2"), message);
        p.setState(State.NULL);
        p.dispose();
    }

    @Test
    void uriSchemeSelectsTheJavaElement() {
        Pointer e = org.spacetime.gst.jna.Gst.gst_element_make_from_uri(
                Layout.get().constant("GST_URI_SRC"), "sttest:///?pattern=9", "u", null);
        assertNotNull(e, "gst_element_make_from_uri found a handler for sttest://");
        Pointer name = org.spacetime.gst.jna.Gst.gst_object_get_name(org.spacetime.gst.jna.Gst.gst_element_get_factory(e));
        assertEquals("spacetimetesturisrc", name.getString(0));
        GLib.g_free(name);
        org.spacetime.gst.jna.GObject.g_object_unref(e);
    }

    @Test
    void stateCyclesDoNotLeakPeers() {
        for (int i = 0; i < 20; i++) {
            Pipeline p = (Pipeline) Gst.parseLaunch("spacetimetestsrc num-buffers=2 ! spacetimetestinvert ! fakesink");
            p.play();
            p.getState(TimeUnit.SECONDS.toNanos(5));
            p.setState(State.NULL);
            p.dispose();
        }
        // References that gst1-java-core lets go of after a collection are released on its own thread,
        // so the last finalizes may come a moment after System.gc() returns (one suite run found 6
        // peers right after it); a leak keeps them for good.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (Callbacks.PEERS.size() > 4 && System.nanoTime() < deadline);
        assertTrue(Callbacks.PEERS.size() <= 4, "peers released on finalize: " + Callbacks.PEERS.size());
    }
}
