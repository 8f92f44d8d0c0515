package org.spacetime.models;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
        Files.writeString(dir.resolve("model.json"), json.replaceFirst("\"latent_channels\": \\d+,", ""));
        m = fail(dir);
        assertTrue(m.contains("'latent_channels' is missing"), m);
        Files.writeString(dir.resolve("model.json"), json.replaceFirst("\"guidance_interval\": \\[\\s*0.5,\\s*0.95\\s*\\]",
                "\"guidance_interval\": [0.9, 0.5]"));
        m = fail(dir);
        assertTrue(m.contains("'guidance_interval' is [0.9,0.5]; expected [from, to] with 0 <= from < to <= 1"), m);
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

    @Test
    void truncatedOnnxFileIsNamed() throws Exception {
        Path dir = copy();
        byte[] b = Files.readAllBytes(dir.resolve("vae_decoder.onnx"));
        Files.write(dir.resolve("vae_decoder.onnx"), java.util.Arrays.copyOf(b, b.length / 3));
        String m = fail(dir);
        assertTrue(m.contains("vae_decoder.onnx") && m.contains("truncated"), m);
    }

    @Test
    void onnxWithWrongIoIsNamed() throws Exception {
        Path dir = copy();
        // The text encoder's graph under the decoder's name: inputs do not match the manifest.
        Files.copy(dir.resolve("text_encoder.onnx"), dir.resolve("vae_decoder.onnx"), StandardCopyOption.REPLACE_EXISTING);
        String m = fail(dir);
        assertTrue(m.contains("vae_decoder.onnx") && m.contains("'latents'") && m.contains("input_ids"), m);
    }
}
