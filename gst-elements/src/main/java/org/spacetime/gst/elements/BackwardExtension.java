package org.spacetime.gst.elements;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import com.sun.jna.Pointer;

import org.spacetime.gst.framework.Buffer;
import org.spacetime.gst.framework.ElementException;
import org.spacetime.gst.framework.ErrorCode;
import org.spacetime.gst.framework.Event;
import org.spacetime.gst.framework.Flow;
import org.spacetime.gst.framework.FlushingException;
import org.spacetime.gst.framework.Segment;
import org.spacetime.gst.framework.VideoInfo;
import org.spacetime.models.GenerationRequest;
import org.spacetime.models.Task;
import org.spacetime.models.Video;
import org.spacetime.models.VideoPipeline;
import org.spacetime.models.WindowedGenerator;

/**
 * spacetimeextend direction=backward: the first two seconds of input are held; a lead-in of
 * {@code duration} seconds that ends in them is generated (window after window, backwards) and
 * pushed first, then the input, every timestamp shifted by the lead-in's length.
 */
final class BackwardExtension implements Extension {
    private final SpacetimeExtend element;
    private final ExtendStream s;
    private final ArrayDeque<Buffer> held = new ArrayDeque<>();   // the first buffers, held back
    private long shift;                 // nanoseconds every input timestamp moves by
    private boolean leadInDone;
    private WindowPrefetcher prefetcher;    // the lead-in's windows

    BackwardExtension(SpacetimeExtend element, ExtendStream stream) {
        this.element = element;
        this.s = stream;
    }

    @Override
    public int chain(Buffer buffer) throws ElementException {
        s.remember(buffer);
        if (leadInDone) {
            return element.pushOut(shifted(buffer));
        }
        s.recent.add(buffer.pts(), s.format.toModel(buffer));
        held.add(buffer);
        long needed = Math.round((contextFrames() - 1) * 1e9 / s.manifest.nativeFps());
        if (s.endPts - s.format.frameTime(1) - held.peekFirst().pts() < needed) {
            return Flow.OK;
        }
        try {
            return generateLeadIn();
        } catch (FlushingException e) {
            return Flow.FLUSHING;
        }
    }

    /**
     * Every input timestamp moves by the lead-in, so the segment's stop does too (a demuxer's
     * segment stops at the file's duration; unmoved, downstream would clip away the last seconds
     * of input).
     */
    @Override
    public boolean segment(Event event) {
        Segment segment = event.segment();
        boolean moved = segment.isTime() && segment.stop() != -1;
        long stop = moved ? segment.stop() + s.generatedNanos() : segment.stop();
        s.keepSegment(event, stop);
        if (!moved) {
            return element.forwardOut(event);
        }
        Pointer shiftedSegment = event.segmentWithStop(stop);
        event.unref();
        return element.pushEventOut(shiftedSegment);
    }

    /**
     * The held input is in the old format: lead in from it and push it all under the old caps
     * before the new ones go downstream (the new frames then follow, shifted).
     */
    @Override
    public boolean beforeCaps(VideoInfo info) throws ElementException {
        if (leadInDone || held.isEmpty() || SpacetimeExtend.sameFrames(info, s.format.info)) {
            return true;
        }
        try {
            return generateLeadIn() == Flow.OK;
        } catch (FlushingException e) {
            return false;
        }
    }

    @Override
    public int eos() throws ElementException, FlushingException {
        return leadInDone ? Flow.OK : generateLeadIn();
    }

    /** Model frames of input that condition the lead-in: 4k. */
    private int contextFrames() {
        return ExtendStream.CONTEXT_LATENTS * s.manifest.temporalFactor();
    }

    /** Generates the lead-in, pushes it, then the held input, all shifted by its length. */
    private int generateLeadIn() throws ElementException, FlushingException {
        leadInDone = true;
        if (held.isEmpty()) {
            return Flow.OK;
        }
        int tf = s.manifest.temporalFactor();
        Video given = s.recent.pick(contextFrames(), 1_000_000_000L / s.manifest.nativeFps(), false);
        if (given.frames() < tf) {
            throw new ElementException(ErrorCode.STREAM_FAILED, "backward extension needs at least " + tf
                    + " frames at " + s.manifest.nativeFps() + " fps (" + (double) tf / s.manifest.nativeFps()
                    + " s) of input; the input had " + given.frames());
        }
        long total = Math.round(s.config.duration() * s.format.fps);
        long leadIn = s.format.frameTime(total);
        int modelFrames = (int) Math.ceil(s.config.duration() * s.manifest.nativeFps());
        GenerationSettings generation = element.generation;
        GenerationRequest request = generation.request(Task.EXTEND_BACKWARD, s.format.modelWidth, s.format.modelHeight)
                .endFrames(given).build();
        WindowedGenerator generator = new WindowedGenerator(new VideoPipeline(s.model), request, 2, false,
                WindowedGenerator.Checkpoints.NONE);
        int windows = generator.windowsFor(modelFrames);
        if (prefetcher != null) {
            prefetcher.close();
        }
        prefetcher = new WindowPrefetcher(element, "extend backward", windows, (i, progress, cancel) -> {
            generator.setPrompt(generation.prompt(), generation.negativePrompt());
            return generator.window(i, progress, cancel);
        });
        List<Video> before = new ArrayList<>();    // model frames before the input, nearest first
        for (int window = 0; window < windows; window++) {
            Video fresh = prefetcher.take(window, window + 1 < windows);
            for (int f = fresh.frames() - 1; f >= 0; f--) {
                before.add(fresh.slice(f, f + 1));
            }
        }
        long start = held.peekFirst().pts();
        for (long j = 0; j < total; j++) {
            // Output frame j is (total - j) / fps before the first input frame.
            int m = (int) Math.max(1, Math.round((total - j) * s.manifest.nativeFps() / s.format.fps));
            Buffer b = s.format.toBuffer(before.get(Math.min(m, before.size()) - 1));
            long pts = start + s.format.frameTime(j);
            b.setPts(pts).setDuration(start + s.format.frameTime(j + 1) - pts);
            int flow = element.pushOut(b);
            if (flow != Flow.OK) {
                return flow;
            }
        }
        shift = leadIn;
        while (!held.isEmpty()) {
            int flow = element.pushOut(shifted(held.poll()));
            if (flow != Flow.OK) {
                releaseHeld();
                return flow;
            }
        }
        return Flow.OK;
    }

    /** The input buffer with its timestamps moved after the lead-in (data untouched). */
    private Buffer shifted(Buffer in) {
        Buffer b = in.makeWritable();
        if (b.pts() != Buffer.CLOCK_TIME_NONE) {
            b.setPts(b.pts() + shift);
        }
        return b;
    }

    private void releaseHeld() {
        held.forEach(Buffer::unref);
        held.clear();
        s.recent.clear();
    }

    @Override
    public void flushStart() {
        if (prefetcher != null) {
            prefetcher.interrupt();
        }
    }

    @Override
    public void flushStop() {
        if (prefetcher != null) {
            prefetcher.resume();
        }
        if (leadInDone) {
            releaseHeld();
        }
    }

    @Override
    public void stop() {
        if (prefetcher != null) {
            prefetcher.interrupt();
        }
    }

    @Override
    public void close() {
        releaseHeld();
        Resources.closeAll(prefetcher);
    }
}
