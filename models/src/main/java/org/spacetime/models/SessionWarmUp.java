package org.spacetime.models;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One run of a freshly made session on zeros of the shapes a window at the package's native size
 * gives it. A session's first run pays for memory it has not touched yet (ONNX Runtime's arena
 * grows, the kernel maps fresh pages): the default decoder's first window ran in 101 ms, the next
 * ones in 34. Run while the other sessions are still being made, that cost moves out of the first
 * window into time the load spends waiting anyway.
 *
 * <p>Best effort: a graph whose declared shapes name a dimension the format does not define is not
 * warmed, and a failed run is only logged, for the real run reports it with its context.
 */
final class SessionWarmUp {
    private static final Logger LOG = LogManager.getLogger(SessionWarmUp.class);

    private final Map<String, Integer> dimensions = new HashMap<>();

    /** The named dimensions of the format's graph contracts (models/README.md) for one native window. */
    SessionWarmUp(Manifest m) {
        int h = m.nativeHeight() / m.spatialFactor(), w = m.nativeWidth() / m.spatialFactor();
        dimensions.put("batch", 1);
        dimensions.put("tokens", m.maxTokens());
        dimensions.put("latent_frames", m.windowLatentFrames());
        dimensions.put("latent_height", h);
        dimensions.put("latent_width", w);
        dimensions.put("frames", m.framesPerWindow());
        dimensions.put("height", m.nativeHeight());
        dimensions.put("width", m.nativeWidth());
    }

    /** Runs {@code session} once on zeros; returns whether it ran. */
    boolean run(OrtEnvironment env, String role, GraphSpec spec, OrtSession session) {
        long t0 = System.nanoTime();
        List<OnnxTensor> made = new ArrayList<>();
        try {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            for (GraphSpec.Tensor t : spec.inputs()) {
                long[] shape = shape(t);
                if (shape == null) {
                    LOG.debug("{} not warmed up: input '{}' has a dimension the format does not name ({})", role, t.name(), t.shape());
                    return false;
                }
                OnnxTensor tensor = zeros(env, t.dtype(), shape);
                made.add(tensor);
                inputs.put(t.name(), tensor);
            }
            session.run(inputs).close();
            LOG.debug("{} warmed up in {} ms", role, (System.nanoTime() - t0) / 1_000_000);
            return true;
        } catch (OrtException | RuntimeException e) {
            LOG.debug("{} not warmed up: {}", role, e.getMessage());
            return false;
        } finally {
            made.forEach(OnnxTensor::close);
        }
    }

    private long[] shape(GraphSpec.Tensor t) {
        long[] shape = new long[t.rank()];
        for (int i = 0; i < shape.length; i++) {
            Object d = t.shape().get(i);
            Integer size = d instanceof Number n ? Integer.valueOf(n.intValue()) : dimensions.get(String.valueOf(d));
            if (size == null) {
                return null;
            }
            shape[i] = size;
        }
        return shape;
    }

    private static OnnxTensor zeros(OrtEnvironment env, String dtype, long[] shape) throws OrtException {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        if (count > Integer.MAX_VALUE / 8) {
            throw new IllegalArgumentException("a warm-up tensor of " + count + " values is too large");
        }
        return dtype.equals("int64") ? OnnxTensor.createTensor(env, LongBuffer.allocate((int) count), shape)
                : OnnxTensor.createTensor(env, FloatBuffer.allocate((int) count), shape);
    }
}
