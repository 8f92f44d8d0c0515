package org.spacetime.gst.logging;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Marker;
import org.apache.logging.log4j.message.Message;
import org.apache.logging.log4j.message.MessageFactory;
import org.apache.logging.log4j.simple.SimpleLogger;
import org.apache.logging.log4j.util.PropertiesUtil;

/**
 * A logger whose lines go to GStreamer's debug log (through {@link DebugLogSink}, once the plugin
 * has set one) and, at or above stderr's level, to stderr as "spacetime LEVEL Class: message".
 * SimpleLogger supplies the level checks of every logging call.
 */
final class GstLogger extends SimpleLogger {
    private static volatile DebugLogSink sink;
    private final GstLoggerContext context;
    private final String shortName;

    GstLogger(GstLoggerContext context, String name, Level level, MessageFactory messageFactory) {
        super(name, level, false, false, false, false, null, messageFactory, PropertiesUtil.getProperties(), System.err);
        this.context = context;
        this.shortName = name.substring(name.lastIndexOf('.') + 1);
    }

    /** Sets where lines go besides stderr; returns where they went before. */
    static DebugLogSink sendTo(DebugLogSink debugLog) {
        DebugLogSink before = sink;
        sink = debugLog;
        return before;
    }

    @Override
    public void logMessage(String fqcn, Level level, Marker marker, Message message, Throwable thrown) {
        DebugLogSink debugLog = sink;
        if (debugLog != null) {
            debugLog.log(getName(), level, message, thrown);
        }
        if (level.isMoreSpecificThan(context.stderrLevel(getName()))) {
            StringBuilder line = new StringBuilder("spacetime ").append(String.format("%-5s", level.name())).append(' ')
                    .append(shortName).append(": ").append(message.getFormattedMessage());
            if (thrown != null) {
                line.append(System.lineSeparator()).append(stackTrace(thrown));
            }
            System.err.println(line);
        }
    }

    static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString().stripTrailing();
    }
}
