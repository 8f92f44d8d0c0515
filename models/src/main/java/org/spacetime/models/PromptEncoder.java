package org.spacetime.models;

import java.io.IOException;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** Prompt text -> token ids (the package's tokenizer.json, {@link Tokenizer}) -> text embeddings. */
final class PromptEncoder implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(PromptEncoder.class);

    /** Embeddings of a batch of prompts: (B, L, D) floats and the (B, L) mask. */
    record Embeddings(float[] values, long[] mask, int batch, int tokens, int dim) {}

    private final Tokenizer tokenizer;
    private final int maxTokens;

    PromptEncoder(ModelPackage pkg) {
        this.maxTokens = pkg.manifest().maxTokens();
        try {
            tokenizer = Tokenizer.open(pkg.tokenizer());
        } catch (IOException | RuntimeException e) {
            throw new InvalidModelPackageException("cannot load tokenizer " + pkg.manifest().tokenizerFile() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Token ids padded to max_tokens, with their mask; longer prompts are truncated with a warning. */
    long[][] tokenize(String prompt) {
        Tokenizer.Tokens e = tokenizer.encode(prompt == null ? "" : prompt);
        long[] ids = e.ids();
        if (ids.length > maxTokens) {
            LOG.warn("prompt has {} tokens; the model reads {}: truncated to {}", ids.length, maxTokens,
                    PromptText.shown(String.join(" ", java.util.Arrays.copyOfRange(e.tokens(), 1, maxTokens))));
        }
        if (!e.unknown().isEmpty()) {
            warnUnknown(e.unknown());
        }
        long[] padded = new long[maxTokens];
        long[] mask = new long[maxTokens];
        for (int i = 0; i < Math.min(ids.length, maxTokens); i++) {
            padded[i] = ids[i];
            mask[i] = 1;
        }
        return new long[][] {padded, mask};
    }

    /**
     * Words outside the vocabulary carry no meaning for the model (a small one such as the default
     * model's knows only its captions' words): say which, and what it knows, instead of generating
     * something unrelated in silence.
     */
    private void warnUnknown(List<String> words) {
        List<String> distinct = words.stream().distinct().toList();
        String shown = distinct.stream().limit(10).map(PromptText::shown)
                .collect(Collectors.joining(", ")) + (distinct.size() > 10 ? ", ..." : "");
        List<String> known = tokenizer.shortVocabulary();
        LOG.warn("the model does not know the prompt's word(s) {}: they are read as an unknown word{}", shown,
                known.isEmpty() ? "" : "; it knows these " + known.size() + ": " + String.join(" ", known));
    }

    Embeddings encode(ModelSessions s, String... prompts) throws OrtException {
        int b = prompts.length;
        long[] ids = new long[b * maxTokens], mask = new long[b * maxTokens];
        for (int i = 0; i < b; i++) {
            long[][] t = tokenize(prompts[i]);
            System.arraycopy(t[0], 0, ids, i * maxTokens, maxTokens);
            System.arraycopy(t[1], 0, mask, i * maxTokens, maxTokens);
        }
        long[] shape = {b, maxTokens};
        try (OnnxTensor tIds = OnnxTensor.createTensor(s.env(), LongBuffer.wrap(ids), shape);
             OnnxTensor tMask = OnnxTensor.createTensor(s.env(), LongBuffer.wrap(mask), shape);
             OrtSession.Result r = run(s, tIds, tMask)) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            long[] os = out.getInfo().getShape();
            float[] values = new float[(int) (os[0] * os[1] * os[2])];
            out.getFloatBuffer().get(values);
            return new Embeddings(values, mask, b, maxTokens, (int) os[2]);
        }
    }

    private static OrtSession.Result run(ModelSessions s, OnnxTensor ids, OnnxTensor mask) throws OrtException {
        long t0 = OrtTimer.start();
        try {
            return s.get(ModelSessions.Role.TEXT_ENCODER).run(Map.of("input_ids", ids, "attention_mask", mask));
        } finally {
            OrtTimer.stop(t0);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
