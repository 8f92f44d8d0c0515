package org.spacetime.gst.logging;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.message.MessageFactory;
import org.apache.logging.log4j.spi.ExtendedLogger;
import org.apache.logging.log4j.spi.LoggerContext;
import org.apache.logging.log4j.spi.LoggerRegistry;

/**
 * The process's loggers and the two thresholds they obey: stderr's (SPACETIME_LOG_LEVEL, warnings
 * by default) and, for our own code, what GST_DEBUG asks of the Spacetime categories.
 */
public final class GstLoggerContext implements LoggerContext {
    static final GstLoggerContext INSTANCE = new GstLoggerContext();
    private static final String OUR_CODE = "org.spacetime";
    /** DJL probes for CUDA at start-up and warns on every machine without one; the runtime reports the device. */
    private static final String QUIET_CODE = "ai.djl";

    private final LoggerRegistry<GstLogger> loggers = new LoggerRegistry<>();
    private final Level stderrLevel;
    private volatile Level debugLogLevel = Level.OFF;

    GstLoggerContext() {
        String env = System.getenv("SPACETIME_LOG_LEVEL");
        stderrLevel = env == null || env.isBlank() ? Level.WARN : Level.toLevel(env.trim(), Level.WARN);
    }

    /** Lets through, from our code, what GStreamer's debug log asks for (never less than stderr's). */
    public static void wantForDebugLog(Level level) {
        INSTANCE.want(level);
    }

    synchronized void want(Level level) {
        if (level.isLessSpecificThan(debugLogLevel)) {
            debugLogLevel = level;
            for (GstLogger logger : loggers.getLoggers()) {
                logger.setLevel(levelOf(logger.getName()));
            }
        }
    }

    /** Everything at or above this goes to stderr. */
    Level stderrLevel(String logger) {
        return logger.startsWith(QUIET_CODE) ? Level.ERROR : stderrLevel;
    }

    private Level levelOf(String logger) {
        Level stderr = stderrLevel(logger);
        return logger.startsWith(OUR_CODE) && debugLogLevel.isLessSpecificThan(stderr) ? debugLogLevel : stderr;
    }

    @Override
    public ExtendedLogger getLogger(String name) {
        return getLogger(name, null);
    }

    @Override
    public synchronized ExtendedLogger getLogger(String name, MessageFactory messageFactory) {
        GstLogger logger = loggers.getLogger(name, messageFactory);
        if (logger == null) {
            logger = new GstLogger(this, name, levelOf(name), messageFactory);
            loggers.putIfAbsent(name, messageFactory, logger);
        }
        return logger;
    }

    @Override
    public boolean hasLogger(String name) {
        return loggers.hasLogger(name);
    }

    @Override
    public boolean hasLogger(String name, MessageFactory messageFactory) {
        return loggers.hasLogger(name, messageFactory);
    }

    @Override
    public boolean hasLogger(String name, Class<? extends MessageFactory> messageFactoryClass) {
        return loggers.hasLogger(name, messageFactoryClass);
    }

    @Override
    public Object getExternalContext() {
        return null;
    }
}
