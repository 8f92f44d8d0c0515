package org.spacetime.gst.elements;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Format;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.message.Message;
import org.freedesktop.gstreamer.message.MessageType;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.Sample;
import org.freedesktop.gstreamer.elements.AppSink;
import org.freedesktop.gstreamer.event.SeekFlags;
import org.freedesktop.gstreamer.query.LatencyQuery;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.Version;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spacetime.gst.framework.PluginEntry;

/** spacetimesrc in pipelines built in this JVM: progress, interruption, seeking, duration query, live mode. */
class SpacetimeSrcPipelineTest {
    static final String PROMPT = "prompt=\"a blue square moves down on a white background\"";

    @BeforeAll
    static void init() {
        Gst.init(Version.of(1, 16), "SpacetimeSrcPipelineTest");
        PluginEntry.registerAll(null);
    }

    @Test
    void progressPerStepAndInterruptWithinAStep() throws Exception {
        Pipeline p = (Pipeline) Gst.parseLaunch("spacetimesrc " + PROMPT + " steps=200 duration=0 ! fakesink");
        CountDownLatch started = new CountDownLatch(3);
        AtomicInteger after = new AtomicInteger();
        p.getBus().connect((Bus.MESSAGE) (bus, m) -> {
            if (m.getType() == MessageType.ELEMENT && m.getStructure().getName().equals("spacetime-progress")) {
                assertEquals(200, m.getStructure().getInteger("total"));
                started.countDown();
                after.incrementAndGet();
            }
        });
        p.play();
        assertTrue(started.await(60, TimeUnit.SECONDS), "progress messages for the first steps");
        long t0 = System.nanoTime();
        p.setState(State.NULL);       // mid-window: 200 steps would take seconds
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 1500, "PLAYING->NULL took " + ms + " ms (one step is ~20 ms)");
        assertTrue(after.get() < 150, "generation stopped early: " + after.get() + " steps ran");
        p.dispose();
    }

    /** A flushing seek while a window is being denoised stops it within a step and plays from the target. */
    @Test
    void flushingSeekInterruptsGenerationWithinAStep() throws Exception {
        Pipeline p = (Pipeline) Gst.parseLaunch("spacetimesrc " + PROMPT + " steps=200 duration=20 ! appsink name=sink sync=false");
        AppSink sink = (AppSink) p.getElementByName("sink");
        CountDownLatch started = new CountDownLatch(3);
        AtomicInteger steps = new AtomicInteger();
        p.getBus().connect((Bus.MESSAGE) (bus, m) -> {
            if (m.getType() == MessageType.ELEMENT && m.getStructure().getName().equals("spacetime-progress")) {
                started.countDown();
                steps.incrementAndGet();
            }
        });
        p.play();
        assertTrue(started.await(60, TimeUnit.SECONDS), "progress messages for the first steps");
        long t0 = System.nanoTime();
        assertTrue(p.seekSimple(Format.TIME, EnumSet.of(SeekFlags.FLUSH, SeekFlags.ACCURATE), 12_000_000_000L));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        int atSeek = steps.get();
        assertTrue(ms < 1500, "the flushing seek returned after " + ms + " ms (one step is ~20-40 ms)");
        assertTrue(atSeek < 150, "the first window stopped early: " + atSeek + " steps ran");
        p.setState(State.NULL);
        p.dispose();
    }

    @Test
    void durationQueryAndEos() throws Exception {
        Pipeline p = (Pipeline) Gst.parseLaunch("spacetimesrc " + PROMPT + " steps=2 duration=2.5 ! fakesink");
        CountDownLatch eos = new CountDownLatch(1);
        p.getBus().connect((Bus.EOS) source -> eos.countDown());
        p.pause();
        p.getState(TimeUnit.SECONDS.toNanos(30));
        assertEquals(2_500_000_000L, p.queryDuration(Format.TIME));
        p.play();
        assertTrue(eos.await(60, TimeUnit.SECONDS), "EOS after the duration");
        p.setState(State.NULL);
        p.dispose();
    }

    /** A seek regenerates from the window that holds the target: the same frames as playing through. */
    @Test
    void seekInTimeGivesTheFramesOfAPlainRun() throws Exception {
        String launch = "spacetimesrc " + PROMPT + " steps=2 duration=10 ! appsink name=sink sync=false";
        Pipeline full = (Pipeline) Gst.parseLaunch(launch);
        List<Long> allPts = new ArrayList<>();
        List<byte[]> all = pullAll(full, (AppSink) full.getElementByName("sink"), allPts);
        assertEquals(80, all.size(), "10 s at 8 fps");

        Pipeline p = (Pipeline) Gst.parseLaunch(launch);
        AppSink sink = (AppSink) p.getElementByName("sink");
        p.pause();
        p.getState(TimeUnit.SECONDS.toNanos(30));
        for (long target : new long[] {7_000_000_000L, 1_500_000_000L}) {   // into window 3, then back to window 1
            assertTrue(p.seekSimple(Format.TIME, EnumSet.of(SeekFlags.FLUSH, SeekFlags.ACCURATE), target));
            p.play();
            for (int k = 0; k < 3; k++) {
                Sample sample = sink.pullSample();
                org.freedesktop.gstreamer.Buffer b = sample.getBuffer();
                int frame = (int) (target / 125_000_000L) + k;
                assertEquals(allPts.get(frame), b.getPresentationTimestamp(), "PTS of frame " + frame);
                assertArrayEquals(all.get(frame), bytes(b), "frame " + frame + " after a seek to " + target + " ns");
                sample.dispose();
            }
            p.pause();
        }
        p.setState(State.NULL);
        p.dispose();
        full.dispose();
    }

    @Test
    void liveModeAnswersTheLatencyQueryAndStampsRunningTime() throws Exception {
        Pipeline p = (Pipeline) Gst.parseLaunch("spacetimesrc name=src " + PROMPT + " steps=1 is-live=true num-buffers=12 "
                + "! appsink name=sink sync=true");
        AppSink sink = (AppSink) p.getElementByName("sink");
        p.play();
        Sample first = sink.pullSample();
        long pts0 = first.getBuffer().getPresentationTimestamp();
        first.dispose();
        LatencyQuery q = new LatencyQuery();
        assertTrue(p.getElementByName("src").query(q));
        assertTrue(q.isLive(), "a live source");
        assertEquals(125_000_000L, q.getMinimumLatency(), "one frame at 8 fps");
        assertTrue(pts0 > 0, "frame 0 is stamped with the running time when it was ready: " + pts0);
        long t0 = System.nanoTime();
        for (int i = 1; i < 12; i++) {
            sink.pullSample().dispose();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms > 1100, "11 frames at 8 fps are paced to the clock: " + ms + " ms");
        p.setState(State.NULL);
        p.dispose();
    }

    /**
     * The prompt may change while PLAYING, as textoverlay's text does: the windows generated after
     * the change follow the new prompt, those before are untouched (no error, no restart).
     */
    @Test
    void promptChangesWhilePlayingApplyFromTheNextWindow() throws Exception {
        String launch = "spacetimesrc name=src " + PROMPT + " steps=2 duration=12 seed=4 ! appsink name=sink sync=false";
        Pipeline straight = (Pipeline) Gst.parseLaunch(launch);
        List<byte[]> before = pullAll(straight, (AppSink) straight.getElementByName("sink"), new ArrayList<>());
        straight.dispose();

        Pipeline p = (Pipeline) Gst.parseLaunch(launch);
        AppSink sink = (AppSink) p.getElementByName("sink");
        p.play();
        List<byte[]> frames = new ArrayList<>();
        for (Sample s = sink.pullSample(); s != null; s = sink.pullSample()) {
            frames.add(bytes(s.getBuffer()));
            s.dispose();
            if (frames.size() == 1) {
                p.getElementByName("src").set("prompt", "a red circle moves left on a black background");
            }
        }
        p.setState(State.NULL);
        p.dispose();
        assertEquals(96, frames.size());
        assertArrayEquals(before.get(0), frames.get(0), "window 0 was made before the change");
        assertTrue(!java.util.Arrays.equals(before.get(95), frames.get(95)), "the last window follows the new prompt");
    }

    private static List<byte[]> pullAll(Pipeline p, AppSink sink, List<Long> pts) {
        p.play();
        List<byte[]> frames = new ArrayList<>();
        for (Sample s = sink.pullSample(); s != null; s = sink.pullSample()) {
            pts.add(s.getBuffer().getPresentationTimestamp());
            frames.add(bytes(s.getBuffer()));
            s.dispose();
        }
        p.setState(State.NULL);
        return frames;
    }

    private static byte[] bytes(org.freedesktop.gstreamer.Buffer b) {
        java.nio.ByteBuffer bb = b.map(false);
        byte[] out = new byte[bb.remaining()];
        bb.get(out);
        b.unmap();
        return out;
    }
}
