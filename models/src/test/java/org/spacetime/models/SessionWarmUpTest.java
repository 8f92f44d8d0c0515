package org.spacetime.models;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import ai.onnxruntime.OrtSession;

import org.junit.jupiter.api.Test;

/** The warm-up run every session gets while the others are made (SessionWarmUp). */
class SessionWarmUpTest {
    static final Path PACKAGE = RuntimeTest.PACKAGE;

    @Test
    void everyGraphOfTheDefaultPackageRunsOnItsNativeWindow() {
        ModelPackage pkg = ModelPackage.open(PACKAGE);
        SessionWarmUp warmUp = new SessionWarmUp(pkg.manifest());
        try (ModelSessions sessions = new ModelSessions(pkg, Device.CPU, 2, OptimizedGraphCache.OFF)) {
            for (ModelSessions.Role role : ModelSessions.Role.values()) {
                String name = role.name().toLowerCase();
                assertTrue(warmUp.run(sessions.env(), name, pkg.manifest().graphs().get(name), sessions.get(role)),
                        name + " ran on zeros of the native window's shapes");
            }
        }
    }

    /** A dimension the format does not name cannot be sized: that graph is left cold, nothing fails. */
    @Test
    void aGraphWithADimensionTheFormatDoesNotNameIsLeftCold() {
        ModelPackage pkg = ModelPackage.open(PACKAGE);
        GraphSpec decoder = pkg.manifest().graphs().get("vae_decoder");
        GraphSpec odd = new GraphSpec(decoder.role(), decoder.file(), decoder.sha256(),
                List.of(new GraphSpec.Tensor("latents", "float32", List.of("batch", 32, "time", "latent_height", "latent_width"))),
                decoder.outputs());
        try (ModelSessions sessions = new ModelSessions(pkg, Device.CPU, 1, OptimizedGraphCache.OFF)) {
            OrtSession session = sessions.get(ModelSessions.Role.VAE_DECODER);
            assertFalse(new SessionWarmUp(pkg.manifest()).run(sessions.env(), "vae_decoder", odd, session));
        }
    }

    /** A run ONNX Runtime refuses (here: a wrong input name) is only logged; the real run reports it. */
    @Test
    void aRefusedRunIsNotAnError() {
        ModelPackage pkg = ModelPackage.open(PACKAGE);
        GraphSpec decoder = pkg.manifest().graphs().get("vae_decoder");
        GraphSpec renamed = new GraphSpec(decoder.role(), decoder.file(), decoder.sha256(),
                List.of(new GraphSpec.Tensor("codes", "float32", decoder.inputs().get(0).shape())), decoder.outputs());
        try (ModelSessions sessions = new ModelSessions(pkg, Device.CPU, 1, OptimizedGraphCache.OFF)) {
            OrtSession session = sessions.get(ModelSessions.Role.VAE_DECODER);
            assertFalse(new SessionWarmUp(pkg.manifest()).run(sessions.env(), "vae_decoder", renamed, session));
        }
    }
}
