package org.spacetime.gst.framework;

/** Thrown by blocking element code when it was unlocked (flush, state change): maps to GST_FLOW_FLUSHING. */
public class FlushingException extends Exception {
    public FlushingException() {
        super("flushing", null, false, false);
    }
}
