package org.spacetime.gst.framework;

import com.sun.jna.Pointer;

import org.spacetime.gst.jna.Gst;

/**
 * Base for elements with one always sink pad and one always src pad (templates named "sink" and
 * "src"), for filters that may emit more than they receive: {@link #chain} gets every input
 * buffer, {@link #sinkEvent} every sink event, and the element may run its own streaming task on
 * the src pad ({@link #startTask}).
 */
public abstract class PadElement extends Element {
    private Pointer sinkPad;
    private Pointer srcPad;

    @Override
    protected void instanceInit() {
        Pointer klass = handle().getPointer(0);
        sinkPad = Gst.gst_pad_new_from_template(Gst.gst_element_class_get_pad_template(klass, "sink"), "sink");
        srcPad = Gst.gst_pad_new_from_template(Gst.gst_element_class_get_pad_template(klass, "src"), "src");
        Callbacks.installPadFunctions(sinkPad, srcPad);
        // Caps and allocation queries pass through to the peers, as for any filter that keeps the format.
        Layout l = Layout.get();
        int proxy = l.constant("GST_PAD_FLAG_PROXY_CAPS") | l.constant("GST_PAD_FLAG_PROXY_ALLOCATION");
        long flags = l.offset("GstObject", "flags");
        for (Pointer pad : new Pointer[] {sinkPad, srcPad}) {
            pad.setInt(flags, pad.getInt(flags) | proxy);
        }
        Gst.gst_element_add_pad(handle(), sinkPad);
        Gst.gst_element_add_pad(handle(), srcPad);
        if (endsOnApplicationEos()) {
            // An application ends a stream by sending EOS to the pipeline, which hands it to the
            // elements flagged as sources only (gst-launch-1.0 -e on Ctrl-C does this).
            handle().setInt(flags, handle().getInt(flags) | l.constant("GST_ELEMENT_FLAG_SOURCE"));
        }
    }

    /**
     * Whether the element produces video of its own after its input ends (a continuation), and so
     * must hear of an application's EOS: see {@link #applicationEos}. Decided once per instance.
     */
    protected boolean endsOnApplicationEos() {
        return false;
    }

    /**
     * The application sent EOS to the pipeline (the element is flagged as a source for this, see
     * {@link #endsOnApplicationEos}): stop producing video of its own soon, then let the input's EOS
     * through. Called on the application's thread; the input's EOS still arrives on the sink pad.
     */
    protected void applicationEos() {}

    /** One input buffer (owned by the callee: push it on or unref it). Returns a flow value. */
    protected abstract int chain(Buffer buffer) throws ElementException;

    /**
     * One event on the sink pad; the default forwards it. Return whether it was handled.
     * @param event the GstEvent* (ownership passes to this method)
     */
    protected boolean sinkEvent(Event event) throws ElementException {
        return forward(event);
    }

    /**
     * One event on the src pad (from downstream: seek, QoS, latency, ...); the default sends it
     * upstream. Return whether it was handled.
     * @param event the GstEvent* (ownership passes to this method)
     */
    protected boolean srcEvent(Event event) {
        return Gst.gst_pad_event_default(srcPad, handle(), event.handle());
    }

    /**
     * A query on the src pad; the default answers it as any filter would (mostly by asking upstream).
     * Return whether it was answered.
     */
    protected boolean srcQuery(Query query) {
        return defaultSrcQuery(query);
    }

    protected final boolean defaultSrcQuery(Query query) {
        return Gst.gst_pad_query_default(srcPad, handle(), query.handle());
    }

    /** Asks upstream for its latency: null when nobody upstream answers. */
    protected final Query.Latency upstreamLatency() {
        Pointer q = Gst.gst_query_new_latency();
        try {
            return Gst.gst_pad_peer_query(sinkPad, q) ? new Query(q).latency() : null;
        } finally {
            Gst.gst_mini_object_unref(q);
        }
    }

    /**
     * Called before GstElement changes state: the place to check settings and open resources
     * (READY_TO_PAUSED; throw to fail the change with the error posted, as filesrc does) and to
     * interrupt work that blocks the streaming thread (pads are deactivated next, which waits for it).
     */
    protected void beforeStateChange(StateChange change) throws ElementException {}

    /** Called after a successful state change: the place to drop state (e.g. after PAUSED_TO_READY). */
    protected void afterStateChange(StateChange change) {}

    protected final boolean forward(Event event) {
        return Gst.gst_pad_event_default(sinkPad, handle(), event.handle());
    }

    protected final int push(Buffer buffer) {
        try {
            return Gst.gst_pad_push(srcPad, buffer.handle());
        } finally {
            GstDebugLog.workingFor(this);   // downstream Java elements named themselves on this thread
        }
    }

    protected final boolean pushEvent(Pointer event) {
        return Gst.gst_pad_push_event(srcPad, event);
    }

    /** Runs {@link #taskIteration()} repeatedly on a GStreamer task of the src pad. */
    protected final boolean startTask() {
        return Gst.gst_pad_start_task(srcPad, Callbacks.TASK, handle(), null);
    }

    protected final boolean pauseTask() {
        return Gst.gst_pad_pause_task(srcPad);
    }

    protected final boolean stopTask() {
        return Gst.gst_pad_stop_task(srcPad);
    }

    /** One iteration of the src pad task (see {@link #startTask}). */
    protected void taskIteration() throws ElementException {}

    protected final Pointer sinkPad() {
        return sinkPad;
    }

    protected final Pointer srcPad() {
        return srcPad;
    }
}
