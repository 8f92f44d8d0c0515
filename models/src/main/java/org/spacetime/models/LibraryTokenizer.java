package org.spacetime.models;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

/** Any tokenizer.json, through the Hugging Face {@code tokenizers} library (DJL's binding). */
final class LibraryTokenizer implements Tokenizer {
    private final HuggingFaceTokenizer tokenizer;

    LibraryTokenizer(Path file) throws IOException {
        // Padding and truncation are PromptEncoder's: it pads to the model's length and warns when it cuts.
        tokenizer = HuggingFaceTokenizer.newInstance(file, Map.of("padding", "false", "truncation", "false"));
    }

    @Override
    public Tokens encode(String text) {
        Encoding e = tokenizer.encode(text);
        return new Tokens(e.getIds(), e.getTokens());
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
