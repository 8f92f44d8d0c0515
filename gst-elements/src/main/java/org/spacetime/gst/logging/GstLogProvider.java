package org.spacetime.gst.logging;

import org.apache.logging.log4j.spi.Provider;

/**
 * The Log4j 2 API's implementation inside a GStreamer process (found through
 * META-INF/services): lines go to GStreamer's debug log and, from warnings up, to stderr.
 * log4j-core would do the same with an appender, but its configuration and plugin system cost
 * 0.6 s of every gst-launch-1.0 start-up on 2 cores (plugin/bench/startup.sh). Its priority is
 * above log4j-core's, so an application that brings log4j-core still logs into GStreamer.
 */
public final class GstLogProvider extends Provider {
    public GstLogProvider() {
        super(20, "2.6.0", GstLoggerContextFactory.class);
    }
}
