package org.spacetime.gst.logging;

import java.net.URI;

import org.apache.logging.log4j.spi.LoggerContext;
import org.apache.logging.log4j.spi.LoggerContextFactory;

/** One logger context per process: GStreamer's debug log is one per process too. */
public final class GstLoggerContextFactory implements LoggerContextFactory {
    @Override
    public LoggerContext getContext(String fqcn, ClassLoader loader, Object externalContext, boolean currentContext) {
        return GstLoggerContext.INSTANCE;
    }

    @Override
    public LoggerContext getContext(String fqcn, ClassLoader loader, Object externalContext, boolean currentContext,
                                    URI configLocation, String name) {
        return GstLoggerContext.INSTANCE;
    }

    @Override
    public void removeContext(LoggerContext context) {
        // the one context lives as long as the process
    }
}
