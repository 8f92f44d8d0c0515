package org.spacetime.models;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operator types of an ONNX file's main graph, read from its protobuf fields (ModelProto.graph,
 * GraphProto.node, NodeProto.op_type) without a protobuf library: the file is mapped and only the
 * nodes are read, the initializers (most of its bytes) are stepped over by their lengths. Empty
 * where the file is not read to the end as expected or has what this reader does not look into
 * (local functions, unknown wire types): callers then assume nothing about it.
 */
final class OnnxNodeTypes {
    private static final int MODEL_GRAPH = 7, MODEL_FUNCTIONS = 25, GRAPH_NODE = 1, NODE_OP_TYPE = 4;
    private static final int VARINT = 0, FIXED64 = 1, LENGTH_DELIMITED = 2, FIXED32 = 5;

    private OnnxNodeTypes() {
    }

    static Optional<Set<String>> of(Path onnx) {
        try (FileChannel ch = FileChannel.open(onnx, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                return Optional.empty();
            }
            return of(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<Set<String>> of(ByteBuffer model) {
        try {
            return read(model);
        } catch (RuntimeException e) {     // a length or varint past the end: not an ONNX file as expected
            return Optional.empty();
        }
    }

    private static Optional<Set<String>> read(ByteBuffer model) {
        Set<String> types = new TreeSet<>();
        boolean sawGraph = false;
        while (model.hasRemaining()) {
            long key = varint(model);
            int field = (int) (key >>> 3), wire = (int) (key & 7);
            if (field == MODEL_FUNCTIONS) {
                return Optional.empty();
            }
            if (field == MODEL_GRAPH && wire == LENGTH_DELIMITED) {
                if (!nodeTypes(message(model), types)) {
                    return Optional.empty();
                }
                sawGraph = true;
            } else if (!skip(model, wire)) {
                return Optional.empty();
            }
        }
        return sawGraph ? Optional.of(types) : Optional.empty();
    }

    private static boolean nodeTypes(ByteBuffer graph, Set<String> types) {
        while (graph.hasRemaining()) {
            long key = varint(graph);
            int field = (int) (key >>> 3), wire = (int) (key & 7);
            if (field == GRAPH_NODE && wire == LENGTH_DELIMITED) {
                ByteBuffer node = message(graph);
                String type = null;
                while (node.hasRemaining()) {
                    long k = varint(node);
                    if ((k >>> 3) == NODE_OP_TYPE && (k & 7) == LENGTH_DELIMITED) {
                        ByteBuffer s = message(node);
                        byte[] b = new byte[s.remaining()];
                        s.get(b);
                        type = new String(b, StandardCharsets.UTF_8);
                    } else if (!skip(node, (int) (k & 7))) {
                        return false;
                    }
                }
                if (type == null) {
                    return false;
                }
                types.add(type);
            } else if (!skip(graph, wire)) {
                return false;
            }
        }
        return true;
    }

    /** The next length-delimited field's bytes, as a view; the buffer moves past them. */
    private static ByteBuffer message(ByteBuffer b) {
        long n = varint(b);
        if (n < 0 || n > b.remaining()) {
            throw new IllegalArgumentException("field length " + n + " past the end");
        }
        ByteBuffer view = b.slice(b.position(), (int) n);
        b.position(b.position() + (int) n);
        return view;
    }

    private static boolean skip(ByteBuffer b, int wire) {
        switch (wire) {
            case VARINT -> varint(b);
            case FIXED64 -> b.position(b.position() + 8);
            case LENGTH_DELIMITED -> message(b);
            case FIXED32 -> b.position(b.position() + 4);
            default -> {
                return false;    // groups (deprecated) or not protobuf
            }
        }
        return true;
    }

    private static long varint(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = b.get();
            v |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes");
    }
}
