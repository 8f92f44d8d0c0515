package org.spacetime.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/** Prompt text to token ids, as the package's tokenizer.json (Hugging Face {@code tokenizers} format) says. */
interface Tokenizer extends AutoCloseable {
    /**
     * Ids and their token strings, special tokens of the post-processor included, and the words of
     * the text the vocabulary does not have (read as its unknown token; none for tokenizers that
     * have no unknown words, such as byte-level BPE).
     */
    record Tokens(long[] ids, String[] tokens, List<String> unknown) {
        Tokens(long[] ids, String[] tokens) {
            this(ids, tokens, List.of());
        }
    }

    /** The vocabulary's words, for messages about unknown ones; empty where it is too large to list. */
    default List<String> shortVocabulary() {
        return List.of();
    }

    /** A tokenizer.json larger than this is not one {@link WordLevelTokenizer} could take: it goes to the library unread. */
    long WORD_LEVEL_MAX_BYTES = 1 << 20;

    Tokens encode(String text);

    @Override
    void close();

    /**
     * The tokenizer for {@code file}: {@link WordLevelTokenizer} where it implements the file exactly,
     * else the {@code tokenizers} library through DJL ({@link LibraryTokenizer}), which reads every kind.
     */
    static Tokenizer open(Path file) throws IOException {
        if (Files.size(file) <= WORD_LEVEL_MAX_BYTES) {
            JsonElement json;
            try {
                json = JsonParser.parseString(Files.readString(file));
            } catch (JsonParseException | IllegalStateException e) {
                throw new IOException("not a JSON tokenizer file: " + e.getMessage(), e);
            }
            Optional<WordLevelTokenizer> simple = json.isJsonObject() ? WordLevelTokenizer.read(json.getAsJsonObject())
                    : Optional.empty();
            if (simple.isPresent()) {
                return simple.get();
            }
        }
        return new LibraryTokenizer(file);
    }
}
