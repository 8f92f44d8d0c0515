package org.spacetime.gst.elements;

import org.spacetime.gst.framework.Buffer;
import org.spacetime.gst.framework.ElementException;
import org.spacetime.gst.framework.Event;
import org.spacetime.gst.framework.FlushingException;
import org.spacetime.gst.framework.VideoInfo;

/**
 * One direction of spacetimeextend ({@link ForwardExtension}, {@link BackwardExtension}): what
 * happens to input buffers and events. The element does what both share (state changes, caps,
 * model, timestamps for untimed input) and hands each buffer and event to its stream's extension.
 */
interface Extension extends AutoCloseable {
    /** A timestamped input buffer, the stream's format and model ready. */
    int chain(Buffer buffer) throws ElementException;

    /** The input's SEGMENT event, to be sent on (as it is, or moved). */
    boolean segment(Event event);

    /** New input caps, before they replace the stream's format; false: drop them (flushing). */
    boolean beforeCaps(VideoInfo info) throws ElementException;

    /** Before a serialized event goes on: input held back (queued) goes first. */
    default void drainInput() throws InterruptedException {}

    /** The input's EOS, before it goes on: generate what comes after (or before) the input. */
    int eos() throws ElementException, FlushingException;

    void flushStart();

    void flushStop();

    /** PAUSED->PLAYING (true) and PLAYING->PAUSED (false). */
    default void playing(boolean playing) {}

    /** PAUSED->READY: stop generation in flight within one denoising step. */
    void stop();

    /** The application's EOS (gst-launch-1.0 -e): finish what has been made, generate no more. */
    default void applicationEos() {}

    /** The live gap filler run by the src pad task; null: none. */
    default LiveGapFiller filler() {
        return null;
    }

    @Override
    void close();
}
