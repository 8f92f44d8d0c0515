package org.spacetime.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * install/onnxruntime-build.sh, which picks ONNX Runtime's CUDA build (mvn -Pgpu) where nvidia-smi
 * lists a GPU and the CPU build elsewhere, run against a PATH that holds only grep and, per case, a
 * stand-in nvidia-smi.
 */
class OnnxRuntimeBuildChoiceTest {
    private static final Path SCRIPT = Path.of(System.getProperty("user.dir")).getParent().resolve("install/onnxruntime-build.sh");

    @TempDir
    Path bin;

    private String choose(Map<String, String> env) throws Exception {
        if (!Files.exists(bin.resolve("grep"))) {
            Files.createSymbolicLink(bin.resolve("grep"), Path.of(whereIs("grep")));
        }
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("PATH", bin.toString());
        InstalledPlugin.Result r = InstalledPlugin.run(List.of("/bin/bash", SCRIPT.toString()), e, 30);
        return r.exitCode() + " " + r.stdout().trim() + r.stderr().trim();
    }

    private static String whereIs(String tool) throws Exception {
        return InstalledPlugin.run(List.of("/bin/bash", "-c", "command -v " + tool), Map.of(), 10).stdout().trim();
    }

    private void fakeNvidiaSmi(String body) throws Exception {
        Path f = bin.resolve("nvidia-smi");
        Files.writeString(f, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void aListedGpuGetsTheCudaBuild() throws Exception {
        fakeNvidiaSmi("echo 'GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-0)'");
        assertEquals("0 gpu", choose(Map.of()));
    }

    @Test
    void noNvidiaSmiOrNoDriverGetsTheCpuBuild() throws Exception {
        assertEquals("0 cpu", choose(Map.of()));
        fakeNvidiaSmi("echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'; exit 9");
        assertEquals("0 cpu", choose(Map.of()));
    }

    @Test
    void theEnvironmentOverridesAndABadValueIsNamed() throws Exception {
        assertEquals("0 gpu", choose(Map.of("SPACETIME_ONNXRUNTIME", "gpu")));
        String bad = choose(Map.of("SPACETIME_ONNXRUNTIME", "cuda"));
        assertTrue(bad.startsWith("2 ") && bad.contains("must be gpu, cpu or auto, not 'cuda'"), bad);
    }
}
