package org.spacetime.gst.elements;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.spacetime.models.Video;

/**
 * The input frames a generation is conditioned on: model-size copies (12 KB at 64x64, where a 1080p
 * buffer is 3 MB, and a copy does not starve the producer's buffer pool), with their timestamps.
 * Thread-safe: the streaming thread adds, a live stall's filler task reads.
 */
final class InputContext {
    private record Frame(long pts, Video video) {}

    private final ArrayDeque<Frame> frames = new ArrayDeque<>();

    synchronized void add(long pts, Video modelFrame) {
        frames.add(new Frame(pts, modelFrame));
    }

    /** Drops frames older than {@code keepNanos} before {@code endPts}, always keeping two. */
    synchronized void trim(long endPts, long keepNanos) {
        while (frames.size() > 2 && endPts - frames.peekFirst().pts() > keepNanos) {
            frames.poll();
        }
    }

    synchronized void clear() {
        frames.clear();
    }

    synchronized boolean isEmpty() {
        return frames.isEmpty();
    }

    /**
     * The input at the model's frame rate: up to {@code n} frames {@code stepNanos} apart, ending at
     * the last frame (fromEnd) or starting at the first, each the frame nearest in time (fewer when
     * the input is shorter).
     */
    synchronized Video pick(int n, long stepNanos, boolean fromEnd) {
        List<Frame> held = new ArrayList<>(frames);
        long first = held.get(0).pts(), last = held.get(held.size() - 1).pts();
        n = Math.min(n, (int) ((last - first) / stepNanos) + 1);
        Video v = null;
        for (int i = 0; i < n; i++) {
            long t = fromEnd ? last - (long) (n - 1 - i) * stepNanos : first + (long) i * stepNanos;
            Frame nearest = held.get(0);
            for (Frame f : held) {
                if (Math.abs(f.pts() - t) < Math.abs(nearest.pts() - t)) {
                    nearest = f;
                }
            }
            v = v == null ? nearest.video() : Video.concat(v, nearest.video());
        }
        return v;
    }
}
