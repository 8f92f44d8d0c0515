package org.spacetime.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The graphs ONNX Runtime optimised on an earlier load: kept, checked, used, and replaced when damaged. */
class OptimizedGraphCacheTest {
    static final Path PACKAGE = Path.of(System.getProperty("spacetime.package", "spacetime-world-v1"));

    @TempDir
    Path dir;

    /**
     * A first load keeps the graphs of the sessions it makes (the encoder is made on first use);
     * a second load uses them as they are; the denoiser's velocity is the same as from the
     * package's own graph.
     */
    @Test
    void keptGraphsAreUsedAndComputeTheSame() throws Exception {
        ModelPackage pkg = ModelPackage.open(PACKAGE);
        OptimizedGraphCache cache = new OptimizedGraphCache(dir.resolve("graphs"));
        float[] reference;
        try (ModelSessions plain = new ModelSessions(pkg, Device.CPU, 2, OptimizedGraphCache.OFF)) {
            reference = velocity(plain);
        }
        float[] cold, warm;
        try (ModelSessions first = new ModelSessions(pkg, Device.CPU, 2, cache)) {
            cold = velocity(first);
        }
        Map<String, FileTime> kept = kept(cache);
        Set<String> sources = kept.keySet().stream().map(n -> n.substring(0, 64)).collect(Collectors.toSet());
        String version = OrtEnvironment.getEnvironment().getVersion();
        assertEquals(Set.of(sha(pkg, "text_encoder"), sha(pkg, "denoiser"), sha(pkg, "vae_decoder")), sources, kept.toString());
        for (String name : kept.keySet()) {
            // Kept graphs of the transformers are loaded with ONNX Runtime's passes off, the
            // decoder's (convolutions) at the full level: both compute what the package's graphs do.
            assertEquals(!name.startsWith(sha(pkg, "vae_decoder")), LayoutFreeGraph.test(cache.directory().resolve(name)), name);
            assertTrue(name.matches("[0-9a-f]{64}-ort" + java.util.regex.Pattern.quote(version) + "-cpu-[0-9a-f]{64}\\.onnx"), name);
            assertEquals(name.substring(name.length() - 69, name.length() - 5), FileDigests.sha256(cache.directory().resolve(name)),
                    "named after its digest");
        }
        try (ModelSessions second = new ModelSessions(pkg, Device.CPU, 2, cache)) {
            warm = velocity(second);
            second.get(ModelSessions.Role.VAE_ENCODER);
        }
        Map<String, FileTime> after = kept(cache);
        assertEquals(4, after.size(), "the encoder's graph kept when it was first used");
        after.keySet().retainAll(kept.keySet());
        assertEquals(kept, after, "the second load used the kept graphs, it did not write them again");
        assertArrayEquals(reference, cold, 1e-5f);
        assertArrayEquals(reference, warm, 1e-5f);
    }

    /**
     * A kept graph changed on disk fails its digest: it is removed and replaced. One that matches
     * its name but is no graph (ONNX Runtime refuses it) is removed and the package's graph used.
     * Leftovers of a process that died while writing are removed by the next write.
     */
    @Test
    void damagedGraphsAreRemoved() throws Exception {
        ModelPackage pkg = ModelPackage.open(PACKAGE);
        OptimizedGraphCache cache = new OptimizedGraphCache(dir.resolve("graphs"));
        new ModelSessions(pkg, Device.CPU, 2, cache).close();
        Path denoiser = keptFor(cache, sha(pkg, "denoiser"));
        byte[] bytes = Files.readAllBytes(denoiser);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(denoiser, bytes);
        Files.setLastModifiedTime(denoiser, FileTime.from(Instant.now().plusSeconds(10)));   // a new stamp for FileDigests
        Path decoder = keptFor(cache, sha(pkg, "vae_decoder"));
        Files.delete(decoder);
        byte[] junk = "not an ONNX graph".getBytes();
        String junkSha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(junk));
        Path fake = cache.directory().resolve(decoder.getFileName().toString().substring(0, decoder.getFileName().toString().length() - 69)
                + junkSha + ".onnx");
        Files.write(fake, junk);
        Path stale = cache.directory().resolve(".partial-123.onnx"), fresh = cache.directory().resolve(".partial-456.onnx");
        Files.write(stale, junk);
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(2 * 3600)));
        Files.write(fresh, junk);

        float[] reference;
        try (ModelSessions plain = new ModelSessions(pkg, Device.CPU, 2, OptimizedGraphCache.OFF)) {
            reference = velocity(plain);
        }
        try (ModelSessions again = new ModelSessions(pkg, Device.CPU, 2, cache)) {
            assertArrayEquals(reference, velocity(again), 1e-5f);
        }
        Path replaced = keptFor(cache, sha(pkg, "denoiser"));
        String name = replaced.getFileName().toString();
        assertEquals(name.substring(name.length() - 69, name.length() - 5), FileDigests.sha256(replaced),
                "the changed graph is replaced by a whole one");
        assertFalse(Files.exists(fake), "the graph ONNX Runtime refused is removed");
        assertFalse(Files.exists(stale), "a partial file two hours old is removed");
        assertTrue(Files.exists(fresh), "one being written now is left alone");
    }

    /** A cache that cannot be written (its directory is a file) costs nothing but the time. */
    @Test
    void anUnwritableCacheStillLoads() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        try (ModelSessions s = new ModelSessions(ModelPackage.open(PACKAGE), Device.CPU, 1, new OptimizedGraphCache(notADirectory))) {
            assertEquals(PACKAGE_VELOCITY_LENGTH, velocity(s).length);
        }
    }

    /** ONNX Runtime failing to write the optimised graph (a full disk) leaves nothing behind and is not an error. */
    @Test
    void aFailedWriteKeepsNothing() throws Exception {
        OptimizedGraphCache cache = new OptimizedGraphCache(dir.resolve("graphs"));
        String source = "0".repeat(64);
        assertTrue(cache.keep(source, "1.19.2", "cpu", target -> {
            Files.writeString(target, "half a graph");
            throw new ai.onnxruntime.OrtException("No space left on device");
        }).isEmpty());
        try (Stream<Path> s = Files.list(cache.directory())) {
            assertEquals(List.of(), s.toList());
        }
        assertTrue(cache.find(source, "1.19.2", "cpu").isEmpty());
    }

    @Test
    void whereTheCacheIs() {
        assertFalse(OptimizedGraphCache.from(Map.of("SPACETIME_GRAPH_CACHE", "off"), "/home/u").enabled());
        assertEquals(Path.of("/c/g"), OptimizedGraphCache.from(Map.of("SPACETIME_GRAPH_CACHE", "/c/g"), "/home/u").directory());
        assertEquals(Path.of("/x/spacetime/graphs"), OptimizedGraphCache.from(Map.of("XDG_CACHE_HOME", "/x"), "/home/u").directory());
        assertEquals(Path.of("/home/u/.cache/spacetime/graphs"),
                OptimizedGraphCache.from(Map.of("XDG_CACHE_HOME", "relative"), "/home/u").directory(), "relative XDG paths are ignored");
        assertFalse(OptimizedGraphCache.from(Map.of(), "").enabled());
    }

    /** The package's latent channels (16 in v1's, 32 in v2's): the window below is sized by them. */
    private static final int CHANNELS = Manifest.read(PACKAGE.resolve("model.json")).latentChannels();
    private static final int PACKAGE_VELOCITY_LENGTH = CHANNELS * 9 * 8 * 8;

    /** The denoiser's velocity for fixed inputs (a 64x64 window). */
    private static float[] velocity(ModelSessions sessions) throws Exception {
        var env = sessions.env();
        int c = CHANNELS, t = 9, h = 8, w = 8, tokens = 12;
        Random r = new Random(3);
        float[] latents = new float[c * t * h * w], text = new float[tokens * 192], ts = new float[t];
        for (int i = 0; i < latents.length; i++) {
            latents[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < text.length; i++) {
            text[i] = (float) r.nextGaussian();
        }
        java.util.Arrays.fill(ts, 0.6f);
        long[] mask = new long[tokens];
        java.util.Arrays.fill(mask, 0, 9, 1);
        try (OnnxTensor l = OnnxTensor.createTensor(env, FloatBuffer.wrap(latents), new long[] {1, c, t, h, w});
             OnnxTensor s = OnnxTensor.createTensor(env, FloatBuffer.wrap(ts), new long[] {1, t});
             OnnxTensor e = OnnxTensor.createTensor(env, FloatBuffer.wrap(text), new long[] {1, tokens, 192});
             OnnxTensor m = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, tokens});
             OrtSession.Result out = sessions.get(ModelSessions.Role.DENOISER).run(
                     Map.of("latents", l, "timesteps", s, "text_embeddings", e, "text_mask", m))) {
            FloatBuffer v = ((OnnxTensor) out.get(0)).getFloatBuffer();
            float[] a = new float[v.remaining()];
            v.get(a);
            return a;
        }
    }

    private static String sha(ModelPackage pkg, String role) {
        return pkg.manifest().graphs().get(role).sha256();
    }

    private static Map<String, FileTime> kept(OptimizedGraphCache cache) throws Exception {
        try (Stream<Path> s = Files.list(cache.directory())) {
            Map<String, FileTime> m = new TreeMap<>();
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".onnx") && !p.getFileName().toString().startsWith(".")).toList()) {
                m.put(p.getFileName().toString(), Files.getLastModifiedTime(p));
            }
            return m;
        }
    }

    private static Path keptFor(OptimizedGraphCache cache, String sourceSha) throws Exception {
        try (Stream<Path> s = Files.list(cache.directory())) {
            List<Path> found = s.filter(p -> p.getFileName().toString().startsWith(sourceSha)).toList();
            assertEquals(1, found.size(), found.toString());
            return found.get(0);
        }
    }
}
