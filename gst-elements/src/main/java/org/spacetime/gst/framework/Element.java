package org.spacetime.gst.framework;

import java.io.PrintWriter;
import java.io.StringWriter;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.spacetime.gst.jna.GLib;
import org.spacetime.gst.jna.GObject;
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
            // An expected failure with a clear message: the debug text names where it came from and
            // its causes, as a C element's does; the stack trace goes to the debug log only.
            log.debug("{}", e.getMessage(), e);
            postError(e.code(), e.getMessage(), origin(e));
        } else {
            postError(ErrorCode.STREAM_FAILED, "Internal error in " + type.factoryName + ": " + t,
                    stackTrace(t));
        }
    }

    /**
     * GST_MESSAGE_PROGRESS: type one of START, CONTINUE, COMPLETE, CANCELED, ERROR, with the work's
     * {@code percent} done (0-100) in the message's own field, for applications that draw a bar.
     */
    public final void postProgress(String type, String code, String text, int percent) {
        Pointer msg = Gst.gst_message_new_progress(self, Layout.get().constant("GST_PROGRESS_TYPE_" + type), code, text);
        // The new message is ours until posted, so its structure may be written.
        Memory value = new Memory(24);   // sizeof(GValue)
        value.clear();
        GObject.g_value_init(value, G_TYPE_INT);
        GObject.g_value_set_int(value, Math.max(0, Math.min(100, percent)));
        Gst.gst_structure_set_value(Gst.gst_message_get_structure(msg), "percent", value);
        GObject.g_value_unset(value);
        Gst.gst_element_post_message(self, msg);
    }

    private static final long G_TYPE_INT = 6 << 2;   // G_TYPE_MAKE_FUNDAMENTAL(6)

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

    /** Where an expected failure was raised, and the messages of its causes. */
    static String origin(Throwable t) {
        StackTraceElement at = t.getStackTrace().length > 0 ? t.getStackTrace()[0] : null;
        StringBuilder b = new StringBuilder(at == null ? "" : at.getClassName() + "." + at.getMethodName() + "()");
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            b.append("; caused by ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
        }
        return b.toString();
    }

    static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
