package org.spacetime.gst.elements;

import java.nio.file.Path;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.spacetime.gst.framework.Layout;
import org.spacetime.gst.framework.PluginEntry;
import org.spacetime.gst.jna.Gst;
import org.spacetime.models.Device;
import org.spacetime.models.GenerationRequest;
import org.spacetime.models.Task;
import org.spacetime.models.VideoModel;
import org.spacetime.models.VideoPipeline;

/**
 * Run once by install/install-plugin.sh under {@code -XX:AOTCacheOutput} (JDK 25 or later) or
 * {@code -XX:ArchiveClassesAtExit}: loads what a plugin load and a first window load (the element
 * types, Log4j, JNA's bindings, ONNX Runtime, the tokenizer, the pipeline), so the JVM writes them
 * into a class-data sharing archive that the plugin's JVM then maps at start instead of loading
 * and verifying each class again. Then it runs
 * {@code spacetimesrc ! fakesink} for one frame and a short forward extension in this process (the
 * types registered statically), so that the classes of an element's start, negotiation and
 * streaming are in the archive too (without it about 50 of them were loaded from the jars at every
 * start of spacetimesrc).
 */
public final class ClassDataWarmUp {
    private static final Logger LOG = LogManager.getLogger(ClassDataWarmUp.class);

    private ClassDataWarmUp() {}

    public static void main(String[] args) {
        Gst.gst_init(null, null);
        PluginEntry.registerAll(null);
        try (VideoModel model = VideoModel.load(Path.of(DefaultModel.path()), Device.CPU, 1)) {
            new VideoPipeline(model).generate(GenerationRequest.builder(Task.TEXT_TO_VIDEO)
                    .prompt("a red circle moves right on a black background").steps(1).frames(1).build());
        }
        // Best effort: a pipeline that cannot run here leaves its classes out of the archive (logged),
        // not the archive itself.
        for (String pipeline : new String[] {
                "spacetimesrc prompt=\"a red circle moves right on a black background\" steps=1 num-buffers=1 ! fakesink",
                "videotestsrc num-buffers=9 ! video/x-raw,format=RGB,width=64,height=64,framerate=8/1 "
                        + "! spacetimeextend duration=1 steps=1 ! fakesink"}) {
            try {
                runToTheEnd(pipeline);
            } catch (RuntimeException e) {
                LOG.warn("class-data warm-up: {}; its classes are loaded from the jars at start", e.getMessage());
            }
        }
    }

    /** Plays {@code description} to its end (at most 5 minutes); throws where it fails or does not end. */
    private static void runToTheEnd(String description) {
        Pointer pipeline = Launch.gst_parse_launch(description, null);
        if (pipeline == null) {
            throw new IllegalStateException("cannot make the pipeline " + description);
        }
        Layout l = Layout.get();
        int eos = l.constant("GST_MESSAGE_EOS");
        try {
            Launch.gst_element_set_state(pipeline, l.constant("GST_STATE_PLAYING"));
            Pointer bus = Launch.gst_element_get_bus(pipeline);
            Pointer message = Launch.gst_bus_timed_pop_filtered(bus, 300_000_000_000L, eos | l.constant("GST_MESSAGE_ERROR"));
            Gst.gst_object_unref(bus);
            if (message == null) {
                throw new IllegalStateException("the warm-up pipeline did not end in 5 minutes: " + description);
            }
            int type = message.getInt(l.offset("GstMessage", "type"));
            Gst.gst_mini_object_unref(message);
            if (type != eos) {
                throw new IllegalStateException("the warm-up pipeline failed: " + description);
            }
        } finally {
            Launch.gst_element_set_state(pipeline, l.constant("GST_STATE_NULL"));
            Gst.gst_object_unref(pipeline);
        }
    }

    /** The GStreamer calls that only this warm-up makes (bound here, not at every plugin start). */
    private static final class Launch {
        static { Native.register(NativeLibrary.getInstance("gstreamer-1.0")); }

        static native Pointer gst_parse_launch(String description, Pointer error);
        static native int gst_element_set_state(Pointer element, int state);
        static native Pointer gst_element_get_bus(Pointer element);
        static native Pointer gst_bus_timed_pop_filtered(Pointer bus, long timeoutNs, int types);
    }
}
