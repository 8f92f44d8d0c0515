package org.spacetime.gst.logging;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.message.Message;

/** Where log lines go besides stderr: GStreamer's debug log, set by the plugin when it loads. */
public interface DebugLogSink {
    void log(String logger, Level level, Message message, Throwable thrown);

    /** From now on every logger sends its lines to {@code sink} too. */
    static void install(DebugLogSink sink) {
        GstLogger.sendTo(sink);
    }
}
