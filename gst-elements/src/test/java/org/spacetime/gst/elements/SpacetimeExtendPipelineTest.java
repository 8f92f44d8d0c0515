package org.spacetime.gst.elements;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.Version;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spacetime.gst.framework.PluginEntry;

/** spacetimeextend in pipelines built in this JVM: state cycles. */
class SpacetimeExtendPipelineTest {
    @BeforeAll
    static void init() {
        Gst.init(Version.of(1, 16), "SpacetimeExtendPipelineTest");
        PluginEntry.registerAll(null);
    }

    /**
     * 100 cycles (after 50 warm-up ones) of a pipeline that extends 3 input frames by 2 generated ones
     * at EOS, then goes to NULL: heap and threads stay; RSS (fixed heap, see StateCycles)
     * grew by 5 to 9 MB over these 100 cycles, in steps of about 4 MB, and by 15 to 45 kB a cycle
     * after them (measured over cycles 100-350 with -XX:NativeMemoryTracking: +11.6 MB RSS, of which
     * +4.3 MB inside the JVM, JIT code and compiler arenas; the other ~28 kB a cycle is native memory
     * outside it, not yet explained; MALLOC_ARENA_MAX=2 does not change it). The bound, 20 MB,
     * catches a leak of 200 kB a cycle: one window of frames or a reloaded model would be more.
     */
    @Test
    void hundredStateCyclesKeepMemoryAndThreadsFlat() throws Exception {
        Pipeline p = (Pipeline) Gst.parseLaunch("videotestsrc num-buffers=3 ! video/x-raw,width=64,height=64,framerate=8/1 "
                + "! spacetimeextend duration=0.25 steps=1 ! fakesink");
        Semaphore eos = new Semaphore(0);
        p.getBus().connect((Bus.EOS) source -> eos.release());
        StateCycles.assertFlat(i -> {
            p.play();
            assertTrue(eos.tryAcquire(30, TimeUnit.SECONDS), "EOS in cycle " + i);
            p.setState(State.NULL);
        }, 20);
        p.dispose();
    }
}
