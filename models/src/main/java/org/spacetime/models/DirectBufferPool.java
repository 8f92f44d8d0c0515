package org.spacetime.models;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Direct (native-order) buffers that ONNX Runtime reads inputs from and writes pinned outputs to,
 * reused per model. Direct memory is only freed when the collector finds its buffer object, which
 * with a small, quiet heap may take very long: without reuse every window would leave megabytes
 * of native memory behind until then.
 */
final class DirectBufferPool {
    private static final int KEEP = 8;
    private final List<ByteBuffer> spare = new ArrayList<>();
    private final Map<FloatBuffer, ByteBuffer> lent = new IdentityHashMap<>();

    /** A float buffer of exactly {@code floats} elements; give it back when done with it. */
    synchronized FloatBuffer borrow(int floats) {
        int bytes = floats * Float.BYTES;
        ByteBuffer best = null;
        for (ByteBuffer b : spare) {
            if (b.capacity() >= bytes && (best == null || b.capacity() < best.capacity())) {
                best = b;
            }
        }
        if (best != null) {
            spare.remove(best);
        } else {
            best = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        FloatBuffer f = best.clear().limit(bytes).slice().order(ByteOrder.nativeOrder()).asFloatBuffer();
        lent.put(f, best);
        return f;
    }

    /** Takes back buffers from {@link #borrow}. */
    synchronized void giveBack(FloatBuffer... buffers) {
        for (FloatBuffer f : buffers) {
            ByteBuffer b = lent.remove(f);
            if (b != null && spare.size() < KEEP) {
                spare.add(b);
            }
        }
    }
}
