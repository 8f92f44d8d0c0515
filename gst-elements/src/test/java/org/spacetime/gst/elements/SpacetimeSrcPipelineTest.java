package org.spacetime.gst.elements;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Format;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.message.Message;
import org.freedesktop.gstreamer.message.MessageType;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.Version;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spacetime.gst.framework.PluginEntry;

/** spacetimesrc in pipelines built in this JVM: progress, interruption, duration query, state cycles. */
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

    @Test
    void repeatedStateCyclesKeepMemoryFlat() throws Exception {
        Pipeline p = (Pipeline) Gst.parseLaunch("spacetimesrc " + PROMPT + " steps=1 num-buffers=2 ! fakesink");
        long heap = 0;
        for (int i = 0; i < 20; i++) {
            p.play();
            p.getState(TimeUnit.SECONDS.toNanos(30));
            p.setState(State.NULL);
            if (i == 4) {
                heap = used();
            }
        }
        long end = used();
        assertTrue(end < heap * 1.3 + (16 << 20), "heap " + heap + " -> " + end);
        p.dispose();
    }

    static long used() {
        System.gc();
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }
}
