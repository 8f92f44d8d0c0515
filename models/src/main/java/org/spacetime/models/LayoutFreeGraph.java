package org.spacetime.models;

import java.nio.file.Path;
import java.util.Set;

/**
 * Whether ONNX Runtime's layout optimisations, all that its "all" level adds to "extended" on CPU,
 * have nothing to change in a graph. They rewrite convolutions and pooling into the blocked NCHWc
 * layout (and quantised ones into NHWC), with the resizes and element-wise operators next to them;
 * a graph with none of those (the default model's denoiser and text encoder: matrix products,
 * attention and normalisations) comes out of them as it went in. Its kept graph ("extended") can
 * then be loaded with the optimisations off: ONNX Runtime's passes over the graph are skipped (for
 * the default denoiser about 150 ms to make its session instead of about 205 ms, the largest part
 * of start-up after the first window; plugin/bench/startup.sh), and the session runs the same
 * nodes with the same kernels. Checked for ONNX Runtime 1.19, the version kept graphs are keyed by.
 */
final class LayoutFreeGraph {
    /** Operator types the layout optimisations rewrite, or that hide subgraphs from this check. */
    private static final Set<String> LAYOUT_SENSITIVE = Set.of("Resize", "Upsample", "If", "Loop", "Scan",
            "DequantizeLinear", "QuantizeLinear", "DynamicQuantizeLinear");

    private LayoutFreeGraph() {
    }

    /** True only where the graph's operators are read and none is one the layout optimisations touch. */
    static boolean test(Path onnx) {
        return OnnxNodeTypes.of(onnx).map(LayoutFreeGraph::layoutFree).orElse(false);
    }

    static boolean layoutFree(Set<String> types) {
        for (String t : types) {
            if (t.contains("Conv") || t.contains("Pool") || t.startsWith("QLinear") || t.startsWith("Nchwc")
                    || LAYOUT_SENSITIVE.contains(t)) {
                return false;
            }
        }
        return true;
    }
}
