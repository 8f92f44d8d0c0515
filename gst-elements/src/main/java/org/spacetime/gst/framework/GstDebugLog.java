package org.spacetime.gst.framework;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.jna.Pointer;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.spacetime.gst.jna.Gst;

/**
 * Routes the Java side's Log4j 2 logs into GStreamer's debug log: each element type has its own
 * debug category named after its factory (GST_DEBUG=spacetimesrc:6), everything else goes to the
 * plugin's category "spacetime", and a line logged while an element's code runs names that element
 * as its object, as a C element's GST_DEBUG_OBJECT does. Log4j stays the logging API; the stderr
 * appender keeps showing warnings whatever GST_DEBUG says.
 */
public final class GstDebugLog {
    /** ThreadContext key: native address of the element whose code the thread runs. */
    static final String ELEMENT = "gst.element";
    private static final String PLUGIN_CATEGORY = "spacetime";
    private static final String OUR_CODE = "org.spacetime";
    private static final Map<String, Pointer> CATEGORIES = new ConcurrentHashMap<>();
    private static final Map<String, String> CATEGORY_OF_CLASS = new ConcurrentHashMap<>();
    private static volatile boolean installed;

    private GstDebugLog() {}

    /** Adds the appender to Log4j's configuration (once per process; after a reconfiguration, again). */
    static synchronized void install() {
        if (installed) {
            return;
        }
        category(PLUGIN_CATEGORY, "Spacetime plugin (Java side)", OUR_CODE);
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        Appender appender = new Appender();
        appender.start();
        config.addAppender(appender);
        config.getRootLogger().addAppender(appender, null, null);
        ctx.updateLoggers();
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
        Level wanted = log4jLevel(Gst.gst_debug_category_get_threshold(cat));
        LoggerConfig current = ((LoggerContext) LogManager.getContext(false)).getConfiguration().getLoggerConfig(OUR_CODE);
        if (wanted.isLessSpecificThan(current.getLevel())) {
            Configurator.setLevel(OUR_CODE, wanted);
        }
    }

    /** Marks the current thread (a worker of {@code element}) as running that element's code. */
    public static void workingFor(Element element) {
        // Called on every callback and push: the thread's context map is copied on each put, so only
        // when the element changes.
        if (!element.debugId().equals(ThreadContext.get(ELEMENT))) {
            ThreadContext.put(ELEMENT, element.debugId());
        }
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

    private static final class Appender extends AbstractAppender {
        Appender() {
            super("gst-debug", (Filter) null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            String address = event.getContextData().getValue(ELEMENT);
            Element element = address == null ? null : Callbacks.peerOrNull(Long.parseLong(address));
            String name = element != null ? element.elementType().factoryName : categoryOf(event.getLoggerName());
            Pointer cat = CATEGORIES.get(name);
            int level = gstLevel(event.getLevel());
            if (cat == null || level > Gst.gst_debug_category_get_threshold(cat)) {
                return;
            }
            String message = event.getMessage().getFormattedMessage();
            if (event.getThrown() != null) {
                message += "\n" + Element.stackTrace(event.getThrown());
            }
            String logger = event.getLoggerName();
            Gst.gst_debug_log_literal(cat, level, logger.substring(logger.lastIndexOf('.') + 1) + ".java",
                    event.getThreadName(), 0, element == null ? null : element.handle(), message);
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
}
