package org.spacetime.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which graphs are final without ONNX Runtime's layout optimisations, read from their nodes. */
class LayoutFreeGraphTest {
    static final Path PACKAGE = OptimizedGraphCacheTest.PACKAGE;

    @TempDir
    Path dir;

    @Test
    void theDefaultModelsTransformerGraphsAreLayoutFreeAndItsAutoencoderIsNot() {
        Set<String> denoiser = OnnxNodeTypes.of(PACKAGE.resolve("denoiser.onnx")).orElseThrow();
        assertTrue(denoiser.containsAll(Set.of("MultiHeadAttention", "Gemm")), denoiser.toString());
        assertTrue(LayoutFreeGraph.test(PACKAGE.resolve("denoiser.onnx")));
        assertTrue(LayoutFreeGraph.test(PACKAGE.resolve("text_encoder.onnx")));
        Set<String> decoder = OnnxNodeTypes.of(PACKAGE.resolve("vae_decoder.onnx")).orElseThrow();
        assertTrue(decoder.contains("Conv"), decoder.toString());
        assertFalse(LayoutFreeGraph.test(PACKAGE.resolve("vae_decoder.onnx")));
        assertFalse(LayoutFreeGraph.test(PACKAGE.resolve("vae_encoder.onnx")));
    }

    @Test
    void convolutionsPoolingQuantisationAndSubgraphsAreNotLayoutFree() {
        assertTrue(LayoutFreeGraph.layoutFree(Set.of("Gemm", "MatMul", "Add", "SkipLayerNormalization", "FastGelu")));
        for (String op : new String[] {"Conv", "ConvTranspose", "FusedConv", "MaxPool", "GlobalAveragePool", "QLinearMatMul",
                "DequantizeLinear", "Resize", "Upsample", "If", "Loop", "Scan", "NchwcConv"}) {
            assertFalse(LayoutFreeGraph.layoutFree(Set.of("Gemm", op)), op);
        }
    }

    /** A file cut short, or one that is not protobuf, is read as unknown, never as layout-free. */
    @Test
    void unreadableGraphsAreNotLayoutFree() throws Exception {
        byte[] whole = Files.readAllBytes(PACKAGE.resolve("text_encoder.onnx"));
        Path cut = dir.resolve("cut.onnx"), text = dir.resolve("text.onnx"), empty = dir.resolve("empty.onnx");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        Files.writeString(text, "not a graph\n");
        Files.write(empty, new byte[0]);
        for (Path p : new Path[] {cut, text, empty, dir.resolve("missing.onnx")}) {
            assertEquals(Optional.empty(), OnnxNodeTypes.of(p), p.toString());
            assertFalse(LayoutFreeGraph.test(p), p.toString());
        }
    }
}
