package org.spacetime.gst.elements;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * State cycles of a pipeline with memory and threads checked: 50 warm-up cycles (JIT, allocator
 * arenas and ONNX Runtime caches fill during those), then 100 measured ones. The test JVM's heap is
 * fixed and pre-touched (pom.xml), so RSS moves with native memory only.
 */
final class StateCycles {
    private StateCycles() {}

    interface Cycle {
        /** One NULL -> PLAYING -> NULL cycle. */
        void run(int i) throws Exception;
    }

    /** Heap in use within 30 % + 16 MB, RSS growth under {@code rssBoundMb}, at most 2 more threads. */
    static void assertFlat(Cycle cycle, int rssBoundMb) throws Exception {
        long heap = 0, rss = 0;
        int threads = 0;
        for (int i = 0; i < 150; i++) {
            cycle.run(i);
            if (i == 49) {
                heap = heapInUse();
                rss = rssKb();
                threads = Thread.activeCount();
            }
        }
        long endHeap = heapInUse(), endRss = rssKb();
        System.out.printf("state cycles 50 -> 150: RSS %+d kB (%d -> %d), heap %d -> %d bytes%n", endRss - rss, rss, endRss,
                heap, endHeap);
        assertTrue(endHeap < heap * 1.3 + (16 << 20), "heap after 50 cycles " + heap + ", after 150 " + endHeap);
        assertTrue(endRss - rss < rssBoundMb << 10, "RSS after 50 cycles " + rss + " kB, after 150 " + endRss + " kB");
        assertTrue(Thread.activeCount() <= threads + 2, "threads " + threads + " -> " + Thread.activeCount());
    }

    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    /** Heap in use after a collection, once the cleaners of collected native-backed objects have run. */
    static long heapInUse() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            System.runFinalization();
            Thread.sleep(200);
        }
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }
}
