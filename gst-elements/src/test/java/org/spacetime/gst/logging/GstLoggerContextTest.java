package org.spacetime.gst.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;

/** The Log4j API's implementation in the plugin: found by LogManager, stderr from warnings up, the debug log below. */
class GstLoggerContextTest {
    @Test
    void logManagerUsesThePluginsImplementation() {
        assertInstanceOf(GstLoggerContext.class, LogManager.getContext(false));
        assertInstanceOf(GstLogger.class, LogManager.getLogger(GstLoggerContextTest.class));
    }

    @Test
    void warningsGoToStderrAndEveryEnabledLineToTheDebugLog() {
        GstLoggerContext context = new GstLoggerContext();    // not the process's: its levels stay as they are
        List<String> debugLog = new ArrayList<>();
        DebugLogSink before = GstLogger.sendTo((logger, level, message, thrown) -> debugLog.add(level + " " + logger
                + " " + message.getFormattedMessage()));
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Logger log = context.getLogger("org.spacetime.test.Probe");
            assertFalse(log.isDebugEnabled(), "debug is off until GST_DEBUG asks for it");
            log.warn("frame {} is late", 3);
            log.debug("not asked for");
            context.want(Level.DEBUG);     // what a GST_DEBUG=spacetime*:5 category asks
            assertTrue(log.isDebugEnabled());
            log.debug("window {} done", 1);
            context.getLogger("ai.djl.Probe").warn("no CUDA");   // DJL's CUDA probe: errors only
            context.getLogger("ai.djl.Probe").error("tokenizer failed");
        } finally {
            System.setErr(err);
            GstLogger.sendTo(before);
        }
        String stderr = captured.toString(StandardCharsets.UTF_8);
        assertEquals("spacetime WARN  Probe: frame 3 is late" + System.lineSeparator()
                + "spacetime ERROR Probe: tokenizer failed" + System.lineSeparator(), stderr);
        assertEquals(List.of("WARN org.spacetime.test.Probe frame 3 is late", "DEBUG org.spacetime.test.Probe window 1 done",
                "ERROR ai.djl.Probe tokenizer failed"), debugLog);
    }
}
