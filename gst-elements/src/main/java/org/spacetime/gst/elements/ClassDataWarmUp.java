package org.spacetime.gst.elements;

import java.nio.file.Path;

import org.spacetime.gst.framework.PluginEntry;
import org.spacetime.gst.jna.Gst;
import org.spacetime.models.Device;
import org.spacetime.models.GenerationRequest;
import org.spacetime.models.Task;
import org.spacetime.models.VideoModel;
import org.spacetime.models.VideoPipeline;

/**
 * Run once by install/install-plugin.sh under {@code -XX:ArchiveClassesAtExit}: loads what a
 * plugin load and a first window load (the element types, Log4j, JNA's bindings, ONNX Runtime, the
 * tokenizer, the pipeline), so the JVM writes them into a class-data sharing archive that the
 * plugin's JVM then maps at start instead of loading and verifying each class again.
 */
public final class ClassDataWarmUp {
    private ClassDataWarmUp() {}

    public static void main(String[] args) {
        Gst.gst_init(null, null);
        PluginEntry.registerAll(null);
        try (VideoModel model = VideoModel.load(Path.of(DefaultModel.path()), Device.CPU, 1)) {
            new VideoPipeline(model).generate(GenerationRequest.builder(Task.TEXT_TO_VIDEO)
                    .prompt("a red circle moves right on a black background").steps(1).frames(1).build());
        }
    }
}
