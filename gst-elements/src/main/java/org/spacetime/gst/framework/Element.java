package org.spacetime.gst.framework;

import java.io.PrintWriter;
import java.io.StringWriter;

import com.sun.jna.Pointer;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.spacetime.gst.jna.GLib;
import org.spacetime.gst.jna.Gst;

/**
 * The Java peer of one GStreamer element instance. Subclass {@link PushSource} or
 * {@link PadElement}; the framework creates one peer per GstElement and routes vfuncs to it.
 */
public abstract class Element {
    protected final Logger log = LogManager.getLogger(getClass());
    private Pointer self;
    private ElementType<?> type;

    final void attach(Pointer self, ElementType<?> type) {
        this.self = self;
        this.type = type;
    }

    /** The GstElement* this peer backs. */
    public final Pointer handle() {
        return self;
    }

    public final ElementType<?> elementType() {
        return type;
    }

    /** Called once, from instance_init, after the peer is attached. */
    protected void instanceInit() {}

    /** Called from finalize: release everything the element holds. */
    protected void dispose() {}

    /** Posts an ERROR message on the bus (GST_ELEMENT_ERROR). */
    public final void postError(ErrorCode code, String text, String debug) {
        post(Layout.get().constant("GST_MESSAGE_ERROR"), code, text, debug);
    }

    /** Posts a WARNING message on the bus (GST_ELEMENT_WARNING). */
    public final void postWarning(ErrorCode code, String text, String debug) {
        post(Layout.get().constant("GST_MESSAGE_WARNING"), code, text, debug);
    }

    private void post(int type, ErrorCode code, String text, String debug) {
        // gst_element_message_full takes ownership of text and debug: they must be GLib copies.
        Gst.gst_element_message_full(self, type, code.domain(), code.code(), GLib.g_strdup(text),
                debug == null ? null : GLib.g_strdup(debug), getClass().getName(), "java", 0);
    }

    /** Reports a failure of element code: ElementException keeps its code, anything else is a stream failure. */
    final void postFailure(Throwable t) {
        if (t instanceof ElementException e) {
            postError(e.code(), e.getMessage(), stackTrace(e));
        } else {
            postError(ErrorCode.STREAM_FAILED, "Internal error in " + type.factoryName + ": " + t,
                    stackTrace(t));
        }
    }

    /** GST_MESSAGE_PROGRESS: type one of START, CONTINUE, COMPLETE, CANCELED, ERROR. */
    public final void postProgress(String type, String code, String text) {
        Pointer msg = Gst.gst_message_new_progress(self, Layout.get().constant("GST_PROGRESS_TYPE_" + type), code, text);
        Gst.gst_element_post_message(self, msg);
    }

    /** Tells the pipeline that this element's latency changed (it queries and redistributes latency). */
    public final void postLatencyChanged() {
        Gst.gst_element_post_message(self, Gst.gst_message_new_latency(self));
    }

    /** Posts an element message whose structure is given in GstStructure string syntax. */
    public final void postElementMessage(String structure) {
        Pointer s = Gst.gst_structure_from_string(structure, null);
        if (s == null) {
            throw new IllegalArgumentException("not a GstStructure: " + structure);
        }
        Gst.gst_element_post_message(self, Gst.gst_message_new_element(self, s));
    }

    /** The element's running time now (clock time minus base time), or -1 without a clock. */
    public final long runningTime() {
        return Gst.gst_element_get_current_running_time(self);
    }

    public final String name() {
        Pointer p = Gst.gst_object_get_name(self);
        try {
            return p == null ? null : p.getString(0);
        } finally {
            GLib.g_free(p);
        }
    }

    static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
