package org.spacetime.gst.elements;

import java.util.function.Consumer;

import java.util.ArrayDeque;

import org.spacetime.gst.framework.Element;
import org.spacetime.gst.framework.ElementException;
import org.spacetime.gst.framework.FlushingException;
import org.spacetime.models.GenerationRequest;
import org.spacetime.models.Manifest;
import org.spacetime.models.Video;
import org.spacetime.models.VideoPipeline;
import org.spacetime.models.WindowedGenerator;

/**
 * Frames that continue a stream after its last frame: model windows generated one ahead on a
 * worker thread (extend forward, then window after window), shown at the stream's frame rate by
 * picking, for each stream frame, the model frame nearest in time. Only the model frames not yet
 * shown are kept, so an endless continuation runs in flat memory.
 */
final class Continuation implements AutoCloseable {
    private final WindowedGenerator generator;
    private final WindowPrefetcher prefetcher;
    private final double modelFps, streamFps;
    private final long lastModelFrame;                  // -1: endless
    private final ArrayDeque<Video> pending = new ArrayDeque<>();   // model frames firstPending, firstPending + 1, ...
    private long firstPending = 1;                      // model frame 1 is the first after the last given one
    private int window;
    private volatile Consumer<Video> firstWindowListener;

    /**
     * @param request an EXTEND_FORWARD request whose start frames (1 + 4k at the model's rate) end at
     *     the stream's last frame
     * @param streamFrames how many stream frames will be asked for, or -1 for an endless continuation
     * @param settings whose prompts are read once per window (they may change while PLAYING)
     */
    Continuation(Element element, String what, VideoPipeline pipeline, GenerationRequest request, Manifest m,
                 double streamFps, long streamFrames, GenerationSettings settings) {
        // A continuation only moves forward: no checkpoints, memory flat however long it runs.
        this.generator = new WindowedGenerator(pipeline, request, 2, true, WindowedGenerator.Checkpoints.NONE);
        this.modelFps = m.nativeFps();
        this.streamFps = streamFps;
        this.lastModelFrame = streamFrames < 0 ? -1 : modelFrame(streamFrames - 1);
        int windows = lastModelFrame < 0 ? 0 : generator.windowsFor(lastModelFrame);
        this.prefetcher = new WindowPrefetcher(element, what, windows, (i, progress, cancel) -> {
            generator.setPrompt(settings.prompt(), settings.negativePrompt());
            Video made = generator.window(i, progress, cancel);
            Consumer<Video> listener = firstWindowListener;
            if (i == 0 && listener != null) {
                listener.accept(made);
            }
            return made;
        });
    }

    /** The model frame (1 = the first after the given ones) shown as stream frame {@code j} (0 = the first after the input). */
    private long modelFrame(long j) {
        return Math.max(1, Math.round((j + 1) * modelFps / streamFps));
    }

    /**
     * Stream frame {@code j} of the continuation, waiting for its window if needed. Calls go forward
     * in j: earlier frames are dropped.
     */
    Video frame(long j) throws ElementException, FlushingException {
        long m = modelFrame(j);
        while (firstPending + pending.size() <= m) {
            long through = firstPending + pending.size() - 1 + generator.framesIn(window);
            Video w = prefetcher.take(window, lastModelFrame < 0 || through < lastModelFrame);
            for (int f = 0; f < w.frames(); f++) {
                pending.add(w.slice(f, f + 1));
            }
            window++;
        }
        while (firstPending < m) {
            pending.poll();
            firstPending++;
        }
        return pending.peek();
    }

    /** Starts generating the first window now, on a generation thread, before it is asked for. */
    void prepare() {
        prefetcher.start(0);
    }

    /** Called on the generation thread when the first window is made (before it can be taken). */
    void whenFirstWindowReady(Consumer<Video> listener) {
        firstWindowListener = listener;
    }

    /** Stops the window being generated within one denoising step: frame() throws FlushingException. */
    void interrupt() {
        prefetcher.interrupt();
    }

    /** After an interrupt (flush): accept requests again. */
    void resume() {
        prefetcher.resume();
    }

    @Override
    public void close() {
        prefetcher.close();
    }
}
