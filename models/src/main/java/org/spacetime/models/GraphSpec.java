package org.spacetime.models;

import java.util.List;

/** One ONNX graph of a package as the manifest declares it: role, file, its SHA-256, inputs and outputs. */
public record GraphSpec(String role, String file, String sha256, List<Tensor> inputs, List<Tensor> outputs) {
    /** A declared tensor: name, dtype ("float32", "int64") and shape (Integer or String for dynamic dims). */
    public record Tensor(String name, String dtype, List<Object> shape) {
        public int rank() {
            return shape.size();
        }
    }
}
