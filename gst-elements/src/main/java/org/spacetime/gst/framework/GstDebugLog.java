package org.spacetime.gst.framework;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.jna.Pointer;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.message.Message;
import org.spacetime.gst.jna.Gst;
import org.spacetime.gst.logging.DebugLogSink;
import org.spacetime.gst.logging.GstLoggerContext;

/**
 * Routes the Java side's Log4j 2 logs into GStreamer's debug log: each element type has its own
 * debug category named after its factory (GST_DEBUG=spacetimesrc:6), everything else goes to the
 * plugin's category "spacetime", and a line logged while an element's code runs names that element
 * as its object, as a C element's GST_DEBUG_OBJECT does. Log4j stays the logging API (its
 * implementation here is org.spacetime.gst.logging); stderr keeps showing warnings whatever
 * GST_DEBUG says.
 */
public final class GstDebugLog implements DebugLogSink {
    private static final String PLUGIN_CATEGORY = "spacetime";
    private static final String OUR_CODE = "org.spacetime";
    private static final Map<String, Pointer> CATEGORIES = new ConcurrentHashMap<>();
    private static final Map<String, String> CATEGORY_OF_CLASS = new ConcurrentHashMap<>();
    /** The element whose code the thread runs (null: none). */
    private static final ThreadLocal<Element> WORKING_FOR = new ThreadLocal<>();
    private static volatile boolean installed;

    private GstDebugLog() {}

    /** Sends every logger's lines into GStreamer's debug log (once per process). */
    static synchronized void install() {
        if (installed) {
            return;
        }
        category(PLUGIN_CATEGORY, "Spacetime plugin (Java side)", OUR_CODE);
        DebugLogSink.install(new GstDebugLog());
        installed = true;
    }

    /** The debug category of an element type, created on registration; its class logs into it. */
    static void elementCategory(ElementType<?> type) {
        category(type.factoryName, type.longName, type.elementClass.getName());
    }

    private static void category(String name, String description, String loggerName) {
        Pointer cat = CATEGORIES.computeIfAbsent(name, n -> Gst._gst_debug_category_new(n, 0, description));
        CATEGORY_OF_CLASS.put(loggerName, name);
        // GST_DEBUG's patterns apply to a category when it is made: let through what it asks for,
        // from all of our code (the runtime's lines, logged on an element's behalf, go to its category).
        GstLoggerContext.wantForDebugLog(log4jLevel(Gst.gst_debug_category_get_threshold(cat)));
    }

    /** Marks the current thread (a worker of {@code element}) as running that element's code. */
    public static void workingFor(Element element) {
        WORKING_FOR.set(element);
    }

    /** GstDebugLevel of a Log4j level: ERROR 1, WARN 2, INFO 4, DEBUG 5, TRACE 6 (LOG). */
    static int gstLevel(Level level) {
        if (level.isMoreSpecificThan(Level.ERROR)) {
            return 1;
        }
        if (level.isMoreSpecificThan(Level.WARN)) {
            return 2;
        }
        if (level.isMoreSpecificThan(Level.INFO)) {
            return 4;
        }
        return level.isMoreSpecificThan(Level.DEBUG) ? 5 : 6;
    }

    private static Level log4jLevel(int gstThreshold) {
        return gstThreshold >= 6 ? Level.TRACE : gstThreshold == 5 ? Level.DEBUG : gstThreshold >= 3 ? Level.INFO
                : gstThreshold == 2 ? Level.WARN : gstThreshold == 1 ? Level.ERROR : Level.OFF;
    }

    @Override
    public void log(String logger, Level level, Message message, Throwable thrown) {
        Element element = WORKING_FOR.get();
        if (element != null && Callbacks.peerOrNull(Pointer.nativeValue(element.handle())) != element) {
            element = null;     // disposed since: name no freed object
        }
        String name = element != null ? element.elementType().factoryName : categoryOf(logger);
        Pointer cat = CATEGORIES.get(name);
        int gstLevel = gstLevel(level);
        if (cat == null || gstLevel > Gst.gst_debug_category_get_threshold(cat)) {
            return;
        }
        String text = message.getFormattedMessage();
        if (thrown != null) {
            text += "\n" + Element.stackTrace(thrown);
        }
        Gst.gst_debug_log_literal(cat, gstLevel, logger.substring(logger.lastIndexOf('.') + 1) + ".java",
                Thread.currentThread().getName(), 0, element == null ? null : element.handle(), text);
    }

    private static String categoryOf(String logger) {
        for (String prefix = logger; !prefix.isEmpty(); prefix = prefix.contains(".")
                ? prefix.substring(0, prefix.lastIndexOf('.')) : "") {
            String name = CATEGORY_OF_CLASS.get(prefix);
            if (name != null) {
                return name;
            }
        }
        return PLUGIN_CATEGORY;
    }
}
