package org.spacetime.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken packages fail before any generation, with a message that names what is wrong. */
class PackageValidationTest {
    @TempDir
    Path tmp;

    Path copy() throws Exception {
        Path dir = tmp.resolve("pkg");
        Files.createDirectories(dir);
        try (var s = Files.list(RuntimeTest.PACKAGE)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.copy(p, dir.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    static String fail(Path dir) {
        return assertThrows(InvalidModelPackageException.class, () -> VideoModel.load(dir, Device.CPU, 1).close()).getMessage();
    }

    @Test
    void missingDirectoryNamesThePath() {
        String m = fail(tmp.resolve("nope"));
        assertTrue(m.contains(tmp.resolve("nope").toString()) && m.contains("does not exist"), m);
    }

    @Test
    void badManifestNamesTheField() throws Exception {
        Path dir = copy();
        String json = Files.readString(dir.resolve("model.json"));
        Files.writeString(dir.resolve("model.json"), json.replace("\"format_version\": 1", "\"format_version\": 7"));
        String m = fail(dir);
        assertTrue(m.contains("format_version") && m.contains("7") && m.contains("version 1"), m);
        Files.writeString(dir.resolve("model.json"), json);
        edit(dir, j -> at(j, "vae").remove("latent_channels"));
        m = fail(dir);
        assertTrue(m.contains("'vae.latent_channels' is missing"), m);
        Files.writeString(dir.resolve("model.json"), json);
        edit(dir, j -> {
            JsonArray reversed = new JsonArray();
            reversed.add(0.9);
            reversed.add(0.5);
            at(j, "scheduler").add("guidance_interval", reversed);
        });
        m = fail(dir);
        assertTrue(m.contains("'scheduler.guidance_interval' is [0.9,0.5]; expected [from, to] with 0 <= from < to <= 1"), m);
        Files.writeString(dir.resolve("model.json"), "{not json");
        assertTrue(fail(dir).contains("not a JSON object"));
    }

    /** Package files are untrusted names: none may reach outside the package directory. */
    @Test
    void filesOutsideThePackageAreRefused() throws Exception {
        Path dir = copy();
        String json = Files.readString(dir.resolve("model.json"));
        Files.copy(dir.resolve("denoiser.onnx"), tmp.resolve("outside.onnx"));
        Files.writeString(dir.resolve("model.json"), json.replace("\"denoiser.onnx\"", "\"../outside.onnx\""));
        String m = fail(dir);
        assertTrue(m.contains("../outside.onnx") && m.contains("outside the package"), m);
        Files.writeString(dir.resolve("model.json"), json.replace("\"tokenizer.json\"", "\"/etc/passwd\""));
        m = fail(dir);
        assertTrue(m.contains("/etc/passwd") && m.contains("outside the package"), m);
        Files.delete(dir.resolve("vae_decoder.onnx"));
        Files.createSymbolicLink(dir.resolve("vae_decoder.onnx"), tmp.resolve("outside.onnx"));
        Files.writeString(dir.resolve("model.json"), json);
        m = fail(dir);
        assertTrue(m.contains("vae_decoder.onnx") && m.contains("outside the package"), m);
    }

    /** scheduler.conditioned_noise_scale is optional (1: every window starts from the full noise) and bounded. */
    @Test
    void conditionedNoiseScaleIsOptionalAndBounded() throws Exception {
        Path dir = copy();
        edit(dir, j -> at(j, "scheduler").remove("conditioned_noise_scale"));
        try (VideoModel m = VideoModel.load(dir, Device.CPU, 1)) {
            assertEquals(1.0, m.manifest().conditionedNoiseScale());
        }
        edit(dir, j -> at(j, "scheduler").addProperty("conditioned_noise_scale", 0));
        String m = fail(dir);
        assertTrue(m.contains("'scheduler.conditioned_noise_scale' is 0; expected a number from 0.01 to 1"), m);
    }

    /** model.json of {@code dir} edited as a JSON tree. */
    static void edit(Path dir, java.util.function.Consumer<JsonObject> change) throws Exception {
        JsonObject m = JsonParser.parseString(Files.readString(dir.resolve("model.json"))).getAsJsonObject();
        change.accept(m);
        Files.writeString(dir.resolve("model.json"), m.toString());
    }

    static JsonObject at(JsonObject root, String path) {
        JsonObject o = root;
        for (String key : path.split("\\.")) {
            o = o.getAsJsonObject(key);
        }
        return o;
    }

    /** Replaces a role's file and declares the new file's digest, as a package maker would. */
    static void replaceGraph(Path dir, String role, byte[] bytes) throws Exception {
        Files.write(dir.resolve(role + ".onnx"), bytes);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        edit(dir, m -> at(m, "files." + role).addProperty("sha256", sha));
    }

    @Test
    void digestsAreRequiredAndVerified() throws Exception {
        Path dir = copy();
        String json = Files.readString(dir.resolve("model.json"));
        edit(dir, m -> at(m, "files.denoiser").addProperty("sha256", "0".repeat(64)));
        String m = fail(dir);
        assertTrue(m.contains("denoiser.onnx does not match model.json field 'files.denoiser.sha256'")
                && m.contains("the manifest says " + "0".repeat(64)), m);
        Files.writeString(dir.resolve("model.json"), json);
        edit(dir, j -> at(j, "files.vae_encoder").remove("sha256"));
        assertTrue(fail(dir).contains("required field 'files.vae_encoder.sha256' is missing"));
        Files.writeString(dir.resolve("model.json"), json);
        edit(dir, j -> at(j, "files.vae_encoder").addProperty("sha256", "not hex"));
        assertTrue(fail(dir).contains("'files.vae_encoder.sha256' is \"not hex\"; expected the file's SHA-256 digest as 64"));
        // A file changed after the package was made, with the manifest untouched.
        Files.writeString(dir.resolve("model.json"), json);
        Files.writeString(dir.resolve("tokenizer.json"), Files.readString(dir.resolve("tokenizer.json")) + " ");
        assertTrue(fail(dir).contains("tokenizer.json does not match model.json field 'text.tokenizer_sha256'"));
    }

    /**
     * A failed check leaves no thread of the load behind: the host may exit as soon as it has the
     * error, and a thread still hashing in OpenSSL then crashed gst-launch (SIGSEGV, exit 139).
     */
    @Test
    void aFailedCheckEndsEveryHashingThreadBeforeItIsReported() throws Exception {
        Path dir = copy();
        edit(dir, m -> at(m, "files.denoiser").addProperty("sha256", "0".repeat(64)));
        // A file after the denoiser that takes seconds to hash (sparse: no disk used).
        try (var f = FileChannel.open(dir.resolve("vae_decoder.onnx"),
                StandardOpenOption.WRITE)) {
            f.write(ByteBuffer.wrap(new byte[1]), 16L << 30);
        }
        String m = fail(dir);
        assertTrue(m.contains("denoiser.onnx does not match"), "the first file in manifest order is reported: " + m);
        // A pool thread may still be returning from its last task for a moment; one still hashing
        // would go on for seconds.
        List<String> left = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("spacetime-hasher")) {
                t.join(2000);
                if (t.isAlive()) {
                    left.add(t.getName());
                }
            }
        }
        assertTrue(left.isEmpty(), "hashing threads still running after the error: " + left);
    }

    /** A tokenizer.json that matches its digest but is broken or hostile fails with the tokenizer named. */
    @Test
    void brokenTokenizerIsNamed() throws Exception {
        for (String broken : new String[] {"{not json", "[".repeat(100_000), "{\"model\": {\"type\": \"WordLevel\"}}"}) {
            Path dir = copy();
            byte[] bytes = broken.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Files.write(dir.resolve("tokenizer.json"), bytes);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            edit(dir, m -> at(m, "text").addProperty("tokenizer_sha256", sha));
            String m = fail(dir);
            assertTrue(m.contains("cannot load tokenizer tokenizer.json"), broken.substring(0, Math.min(10, broken.length())) + ": " + m);
        }
    }

    @Test
    void wrongTypesAndRangesNameTheFieldValueAndWhatIsAccepted() throws Exception {
        Path dir = copy();
        String json = Files.readString(dir.resolve("model.json"));
        record Case(java.util.function.Consumer<JsonObject> change, String expected) {}
        for (Case c : java.util.List.of(
                new Case(j -> at(j, "files.denoiser").addProperty("inputs", 1),
                        "field 'files.denoiser.inputs' is 1; expected an array"),
                new Case(j -> at(j, "files.denoiser").getAsJsonArray("inputs").set(0, new com.google.gson.JsonPrimitive(1)),
                        "field 'files.denoiser.inputs[0]' is 1; expected an array of {\"name\": string"),
                new Case(j -> at(j, "files.denoiser").getAsJsonArray("inputs").get(0).getAsJsonObject()
                                .getAsJsonArray("shape").set(1, new JsonObject()),
                        "field 'files.denoiser.inputs[0].shape[1]' is {}; expected an integer from 1 to 65536"),
                new Case(j -> at(j, "files.denoiser").getAsJsonArray("inputs").get(1).getAsJsonObject()
                                .addProperty("dtype", "float64"),
                        "field 'files.denoiser.inputs[1].dtype' is \"float64\"; expected \"float32\" or \"int64\""),
                new Case(j -> at(j, "transformer").add("patch_size", JsonParser.parseString("[1, \"two\", 2]")),
                        "field 'transformer.patch_size[1]' is \"two\"; expected an integer from 1 to 16"),
                new Case(j -> at(j, "text").addProperty("max_tokens", 2000000000),
                        "field 'text.max_tokens' is 2000000000; expected an integer from 1 to 4096"),
                new Case(j -> at(j, "vae").addProperty("scaling_factor", 0),
                        "field 'vae.scaling_factor' is 0; expected a number from 1e-6 to 1e6"),
                new Case(j -> at(j, "video.allowed_sizes").addProperty("max", 100000),
                        "field 'video.allowed_sizes.max' is 100000; expected an integer from 32 to 4096"),
                new Case(j -> at(j, "video").addProperty("native_fps", "8"),
                        "field 'video.native_fps' is \"8\"; expected an integer from 1 to 120"))) {
            Files.writeString(dir.resolve("model.json"), json);
            edit(dir, c.change);
            String m = fail(dir);
            assertTrue(m.contains(c.expected), m);
        }
    }

    /** A graph that returns NaN stops generation with an error naming it; no black frames. */
    @Test
    void nanOutputIsAnError() throws Exception {
        Path dir = copy();
        try (var in = PackageValidationTest.class.getResourceAsStream("/nan-denoiser.onnx")) {
            replaceGraph(dir, "denoiser", in.readAllBytes());
        }
        try (VideoModel model = VideoModel.load(dir, Device.CPU, 1)) {
            VideoPipeline pipeline = new VideoPipeline(model);
            String m = assertThrows(InvalidModelPackageException.class, () -> pipeline.generate(
                    GenerationRequest.builder(Task.TEXT_TO_VIDEO).prompt("a red circle").steps(2).frames(9).build())).getMessage();
            assertTrue(m.contains("denoiser graph returned NaN or infinite values (step 1 of 2"), m);
        }
    }

    @Test
    void truncatedOnnxFileIsNamed() throws Exception {
        Path dir = copy();
        byte[] b = Files.readAllBytes(dir.resolve("vae_decoder.onnx"));
        replaceGraph(dir, "vae_decoder", java.util.Arrays.copyOf(b, b.length / 3));   // its digest declared
        String m = fail(dir);
        assertTrue(m.contains("vae_decoder.onnx") && m.contains("truncated"), m);
    }

    @Test
    void onnxWithWrongIoIsNamed() throws Exception {
        Path dir = copy();
        // The text encoder's graph under the decoder's name: inputs do not match the manifest.
        replaceGraph(dir, "vae_decoder", Files.readAllBytes(dir.resolve("text_encoder.onnx")));
        String m = fail(dir);
        assertTrue(m.contains("vae_decoder.onnx") && m.contains("'latents'") && m.contains("input_ids"), m);
    }
}
