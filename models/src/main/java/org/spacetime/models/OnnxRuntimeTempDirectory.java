package org.spacetime.models;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * ONNX Runtime's Java API makes a /tmp/onnxruntime-java* directory when it loads and removes it only
 * at JVM shutdown (deleteOnExit), which never comes in a JVM hosted by a GStreamer plugin: every
 * gst-launch, gst-inspect or GES process left one behind. Where the native libraries are installed
 * (the onnxruntime.native.path property, set by install/install-plugin.sh) nothing is unpacked into
 * that directory, so it is removed as soon as ONNX Runtime has loaded.
 */
final class OnnxRuntimeTempDirectory {
    private static final Logger LOG = LogManager.getLogger(OnnxRuntimeTempDirectory.class);

    private OnnxRuntimeTempDirectory() {}

    /** Call after ONNX Runtime has loaded (an OrtEnvironment exists). */
    static synchronized void removeIfUnused() {
        if (System.getProperty("onnxruntime.native.path") == null) {
            return;               // the libraries were unpacked into it and are in use
        }
        try {
            Field f = Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("tempDirectory");
            f.setAccessible(true);
            if (f.get(null) instanceof Path dir && Files.isDirectory(dir)) {
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isEmpty()) {
                        Files.delete(dir);
                        LOG.debug("removed ONNX Runtime's empty temporary directory {}", dir);
                    }
                }
            }
        } catch (ReflectiveOperationException | IOException | RuntimeException e) {
            LOG.debug("ONNX Runtime's temporary directory was not removed: {}", e.toString());
        }
    }
}
