package org.spacetime.models;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * The Hugging Face {@code tokenizers} pipeline for one simple kind of tokenizer.json, in Java: a
 * WordLevel vocabulary after an optional Lowercase normalizer and a WhitespaceSplit pre-tokenizer,
 * special added tokens matched in the raw text, and a TemplateProcessing post-processor of special
 * tokens around the sequence (the default model's tokenizer is one). It gives the ids and tokens the
 * library gives (TokenizerTest compares them), without the library's start-up cost: DJL's first
 * tokenizer probes for CUDA and loads a native library, about 0.5 s of CPU while the sessions load.
 * {@link #read} declines every other tokenizer.json; those go to the library ({@link Tokenizer#open}).
 */
final class WordLevelTokenizer implements Tokenizer {
    private final Map<String, Long> vocab;
    private final long unkId;
    private final String unkToken;
    private final boolean lowercase;
    /** Special added tokens (content -> id), matched leftmost-longest in the raw text as the library does. */
    private final Map<String, Long> added;
    private final List<Tokens> prefix, suffix;

    private WordLevelTokenizer(Map<String, Long> vocab, String unkToken, boolean lowercase, Map<String, Long> added,
                               List<Tokens> prefix, List<Tokens> suffix) {
        this.vocab = vocab;
        this.unkToken = unkToken;
        this.unkId = vocab.get(unkToken);
        this.lowercase = lowercase;
        this.added = added;
        this.prefix = prefix;
        this.suffix = suffix;
    }

    /** The tokenizer when {@code json} is of the kind this class implements exactly; empty otherwise. */
    static Optional<WordLevelTokenizer> read(JsonObject json) {
        JsonObject model = object(json, "model");
        if (model == null || !"WordLevel".equals(string(model, "type")) || !supportedNormalizer(json.get("normalizer"))
                || !"WhitespaceSplit".equals(string(object(json, "pre_tokenizer"), "type"))) {
            return Optional.empty();
        }
        JsonObject vocabJson = object(model, "vocab");
        String unk = string(model, "unk_token");
        if (vocabJson == null || unk == null) {
            return Optional.empty();
        }
        Map<String, Long> vocab = new HashMap<>();
        for (Map.Entry<String, JsonElement> e : vocabJson.entrySet()) {
            if (!isInteger(e.getValue())) {
                return Optional.empty();
            }
            vocab.put(e.getKey(), e.getValue().getAsLong());
        }
        if (!vocab.containsKey(unk)) {
            return Optional.empty();
        }
        Map<String, Long> added = new HashMap<>();
        JsonElement addedJson = json.get("added_tokens");
        if (addedJson != null && !addedJson.isJsonNull()) {
            if (!addedJson.isJsonArray()) {
                return Optional.empty();
            }
            for (JsonElement a : addedJson.getAsJsonArray()) {
                JsonObject t = a.isJsonObject() ? a.getAsJsonObject() : null;
                String content = string(t, "content");
                // Only special tokens matched as written; stripping, whole-word and normalised matching are the library's.
                if (content == null || content.isEmpty() || !isInteger(t.get("id")) || !isTrue(t, "special")
                        || isTrue(t, "normalized") || isTrue(t, "single_word") || isTrue(t, "lstrip") || isTrue(t, "rstrip")) {
                    return Optional.empty();
                }
                added.put(content, t.get("id").getAsLong());
            }
        }
        List<Tokens> prefix = new ArrayList<>(), suffix = new ArrayList<>();
        JsonElement post = json.get("post_processor");
        if (post != null && !post.isJsonNull() && !template(post, prefix, suffix)) {
            return Optional.empty();
        }
        return Optional.of(new WordLevelTokenizer(vocab, unk, "Lowercase".equals(string(object(json, "normalizer"), "type")),
                added, prefix, suffix));
    }

    @Override
    public Tokens encode(String text) {
        List<Long> ids = new ArrayList<>();
        List<String> tokens = new ArrayList<>(), unknown = new ArrayList<>();
        prefix.forEach(t -> appendTo(t, ids, tokens));
        int start = 0, i = 0;
        while (i < text.length()) {
            String match = longestAddedTokenAt(text, i);
            if (match == null) {
                i++;
                continue;
            }
            words(text.substring(start, i), ids, tokens, unknown);
            ids.add(added.get(match));
            tokens.add(match);
            i += match.length();
            start = i;
        }
        words(text.substring(start), ids, tokens, unknown);
        suffix.forEach(t -> appendTo(t, ids, tokens));
        return new Tokens(ids.stream().mapToLong(Long::longValue).toArray(), tokens.toArray(String[]::new),
                List.copyOf(unknown));
    }

    /** The vocabulary without its special tokens, in id order, where it has at most 200 words. */
    @Override
    public List<String> shortVocabulary() {
        if (vocab.size() > 200) {
            return List.of();
        }
        return vocab.entrySet().stream().filter(e -> !added.containsKey(e.getKey()) && !e.getKey().equals(unkToken))
                .sorted(Map.Entry.comparingByValue()).map(Map.Entry::getKey).toList();
    }

    private static void appendTo(Tokens t, List<Long> ids, List<String> tokens) {
        for (int i = 0; i < t.ids().length; i++) {
            ids.add(t.ids()[i]);
            tokens.add(t.tokens()[i]);
        }
    }

    private String longestAddedTokenAt(String text, int i) {
        String best = null;
        for (String a : added.keySet()) {
            if (text.startsWith(a, i) && (best == null || a.length() > best.length())) {
                best = a;
            }
        }
        return best;
    }

    private void words(String piece, List<Long> ids, List<String> tokens, List<String> unknown) {
        String normalized = lowercase ? piece.toLowerCase(Locale.ROOT) : piece;
        int start = -1;
        for (int i = 0; i <= normalized.length(); i++) {
            boolean space = i == normalized.length() || isWhitespace(normalized.charAt(i));
            if (space && start >= 0) {
                String word = normalized.substring(start, i);
                Long id = vocab.get(word);
                ids.add(id == null ? unkId : id);
                tokens.add(id == null ? unkToken : word);
                if (id == null) {
                    unknown.add(word);
                }
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
    }

    /** Unicode White_Space, what the library's WhitespaceSplit splits on (Rust's char::is_whitespace). */
    static boolean isWhitespace(char c) {
        return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
    }

    private static boolean supportedNormalizer(JsonElement n) {
        return n == null || n.isJsonNull() || (n.isJsonObject() && "Lowercase".equals(string(n.getAsJsonObject(), "type"))
                && n.getAsJsonObject().size() == 1);
    }

    /** A TemplateProcessing whose single-sequence template is special tokens around sequence A. */
    private static boolean template(JsonElement post, List<Tokens> prefix, List<Tokens> suffix) {
        if (!post.isJsonObject() || !"TemplateProcessing".equals(string(post.getAsJsonObject(), "type"))) {
            return false;
        }
        JsonElement single = post.getAsJsonObject().get("single");
        JsonObject specials = object(post.getAsJsonObject(), "special_tokens");
        if (single == null || !single.isJsonArray() || specials == null) {
            return false;
        }
        boolean seenSequence = false;
        for (JsonElement piece : single.getAsJsonArray()) {
            JsonObject p = piece.isJsonObject() ? piece.getAsJsonObject() : null;
            if (p != null && object(p, "Sequence") != null && "A".equals(string(object(p, "Sequence"), "id"))
                    && !seenSequence) {
                seenSequence = true;
            } else if (p != null && object(p, "SpecialToken") != null) {
                JsonObject special = object(specials, string(object(p, "SpecialToken"), "id"));
                Tokens t = special == null ? null : specialTokens(special);
                if (t == null) {
                    return false;
                }
                (seenSequence ? suffix : prefix).add(t);
            } else {
                return false;
            }
        }
        return seenSequence;
    }

    private static JsonObject object(JsonObject o, String key) {
        if (o == null || key == null) {
            return null;
        }
        JsonElement e = o.get(key);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o == null ? null : o.get(key);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }

    private static boolean isTrue(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() && e.getAsBoolean();
    }

    private static boolean isInteger(JsonElement e) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            return false;
        }
        double d = e.getAsDouble();
        return d == Math.rint(d) && d >= 0 && d < 1L << 53;
    }

    /** A special token's entry of the template: its ids and tokens, null when malformed. */
    private static Tokens specialTokens(JsonObject special) {
        JsonElement ids = special.get("ids"), tokens = special.get("tokens");
        if (ids == null || tokens == null || !ids.isJsonArray() || !tokens.isJsonArray()
                || ids.getAsJsonArray().size() != tokens.getAsJsonArray().size()) {
            return null;
        }
        JsonArray idArray = ids.getAsJsonArray(), tokenArray = tokens.getAsJsonArray();
        long[] i = new long[idArray.size()];
        String[] t = new String[i.length];
        for (int k = 0; k < i.length; k++) {
            if (!isInteger(idArray.get(k)) || !tokenArray.get(k).isJsonPrimitive()) {
                return null;
            }
            i[k] = idArray.get(k).getAsLong();
            t[k] = tokenArray.get(k).getAsString();
        }
        return new Tokens(i, t);
    }

    @Override
    public void close() {}
}
