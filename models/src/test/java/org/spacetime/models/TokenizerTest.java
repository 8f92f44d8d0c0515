package org.spacetime.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java WordLevel tokenizer gives exactly the ids and tokens of the Hugging Face library on the
 * tokenizer.json files it takes, and every other file goes to the library.
 */
class TokenizerTest {
    private static final Path SHIPPED = Path.of("spacetime-world-v1/tokenizer.json");

    @TempDir
    Path tmp;

    @Test
    void theShippedTokenizerIsReadInJavaAndAgreesWithTheLibrary() throws Exception {
        try (Tokenizer java = Tokenizer.open(SHIPPED)) {
            assertInstanceOf(WordLevelTokenizer.class, java, "the default model's tokenizer.json should not need the library");
            assertAgree(java, SHIPPED, prompts());
        }
    }

    /** What PromptEncoder warns about: the words read as [UNK], and the words the model knows instead. */
    @Test
    void wordsOutsideTheVocabularyAreNamed() throws Exception {
        try (Tokenizer t = Tokenizer.open(SHIPPED)) {
            Tokenizer.Tokens e = t.encode("A red circle, moves RIGHT on a zebra background.");
            assertEquals(List.of("circle,", "zebra", "background."), e.unknown());
            assertEquals(List.of(), t.encode("a red circle").unknown());
            List<String> known = t.shortVocabulary();
            assertTrue(known.containsAll(List.of("a", "red", "circle", "background"))
                    && known.stream().noneMatch(w -> w.startsWith("[")), known.toString());
        }
    }

    @Test
    void variantsItTakesAgreeWithTheLibraryToo() throws Exception {
        // No normalizer (case kept), and a template with a special token after the sequence as well.
        JsonObject json = shipped();
        json.add("normalizer", JsonNull.INSTANCE);
        JsonObject post = json.getAsJsonObject("post_processor");
        post.getAsJsonArray("single").add(JsonParser.parseString("{\"SpecialToken\": {\"id\": \"[PAD]\", \"type_id\": 0}}"));
        post.getAsJsonObject("special_tokens").add("[PAD]",
                JsonParser.parseString("{\"id\": \"[PAD]\", \"ids\": [0], \"tokens\": [\"[PAD]\"]}"));
        Path file = write(json);
        try (Tokenizer java = Tokenizer.open(file)) {
            assertInstanceOf(WordLevelTokenizer.class, java);
            assertAgree(java, file, prompts());
        }
    }

    @Test
    void otherKindsGoToTheLibrary() throws Exception {
        List<Consumer<JsonObject>> edits = List.of(
                j -> j.getAsJsonObject("pre_tokenizer").addProperty("type", "Whitespace"),
                j -> j.getAsJsonObject("normalizer").addProperty("type", "NFKC"),
                j -> j.getAsJsonArray("added_tokens").get(2).getAsJsonObject().addProperty("normalized", true),
                j -> j.getAsJsonArray("added_tokens").get(2).getAsJsonObject().addProperty("lstrip", true),
                j -> j.getAsJsonArray("added_tokens").get(2).getAsJsonObject().addProperty("special", false));
        for (int i = 0; i < edits.size(); i++) {
            JsonObject json = shipped();
            edits.get(i).accept(json);
            try (Tokenizer t = Tokenizer.open(write(json))) {
                assertInstanceOf(LibraryTokenizer.class, t, "edit " + i);
            }
        }
    }

    private static JsonObject shipped() throws Exception {
        return JsonParser.parseString(Files.readString(SHIPPED)).getAsJsonObject();
    }

    private Path write(JsonObject json) throws Exception {
        Path file = Files.createTempFile(tmp, "tokenizer", ".json");
        Files.writeString(file, json.toString());
        return file;
    }

    private static void assertAgree(Tokenizer java, Path file, List<String> prompts) throws Exception {
        try (Tokenizer library = new LibraryTokenizer(file)) {
            for (String p : prompts) {
                Tokenizer.Tokens expected = library.encode(p), actual = java.encode(p);
                assertArrayEquals(expected.ids(), actual.ids(), () -> "ids of " + escaped(p));
                assertArrayEquals(expected.tokens(), actual.tokens(), () -> "tokens of " + escaped(p));
            }
        }
    }

    /** Captions, edge cases (special tokens inside words, Unicode spaces and case), and random strings. */
    private static List<String> prompts() {
        List<String> p = new ArrayList<>(List.of("", " ", "a red circle moves right on a black background",
                "A RED Circle  moves\tright\non a Black background ", "[BOS]", "[bos]", "a[BOS]red", "[UNK][PAD] [BOS]x",
                "[BOS[BOS]]", "red\u00a0circle", "red\u2003circle\u3000moves", "red\u200bcircle", "red\u0085circle",
                "red\u001ccircle", "\u212aelvin", "\u0130stanbul", "\u03a3\u0391\u03a3 red", "r\u00e9d", "\ud83d\ude00 red",
                "red, circle. moves!", "background background background"));
        String alphabet = "abcdeghilmnoprstuvwyRGB [BOS]\t\n\u00a0\u2028\u212a\u0130.,!";
        Random r = new Random(11);
        for (int i = 0; i < 300; i++) {
            StringBuilder s = new StringBuilder();
            for (int n = r.nextInt(40); n > 0; n--) {
                s.append(r.nextInt(4) == 0 ? " " + List.of("red", "circle", "moves", "BLUE", "square", "[UNK]").get(r.nextInt(6))
                        : String.valueOf(alphabet.charAt(r.nextInt(alphabet.length()))));
            }
            p.add(s.toString());
        }
        return p;
    }

    private static String escaped(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.chars().forEach(c -> b.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return b.append('"').toString();
    }
}
