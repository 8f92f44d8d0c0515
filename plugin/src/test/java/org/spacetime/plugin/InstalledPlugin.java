package org.spacetime.plugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The plugin installed into a private directory by install/install-plugin.sh (with the test
 * elements on its class path), and the stock GStreamer tools run against it with a private registry.
 */
final class InstalledPlugin {
    record Result(int exitCode, String stdout, String stderr, long millis) {
        String all() {
            return stdout + stderr;
        }
    }

    final Path root;
    final Path pluginDir;
    final Path registry;

    InstalledPlugin(Path tmp) throws Exception {
        this.root = Path.of(System.getProperty("user.dir")).getParent();
        this.pluginDir = tmp.resolve("plugins");
        this.registry = tmp.resolve("registry.bin");
        install();
    }

    /** Runs install/install-plugin.sh into the private directories (what a user re-runs to fix things). */
    void install() throws Exception {
        String testJars;
        try (Stream<Path> s = Files.list(root.resolve("plugin/target/test-lib"))) {
            testJars = s.map(Path::toString).collect(Collectors.joining(":"));
        }
        Result r = run(List.of("bash", root.resolve("install/install-plugin.sh").toString(), "--plugin-dir",
                pluginDir.toString(), "--lib-dir", pluginDir.getParent().resolve("lib").toString(),
                "--models-dir", pluginDir.getParent().resolve("models").toString(),
                "--pitivi-dir", pitiviPluginDir().toString(),
                "--extra-classpath", testJars), Map.of(), 60);
        if (r.exitCode != 0) {
            throw new IllegalStateException("install-plugin.sh failed: " + r.all());
        }
    }

    /** Where the Pitivi plugin goes: Pitivi finds it with XDG_DATA_HOME={@link #dataHome()}. */
    Path pitiviPluginDir() {
        return dataHome().resolve("pitivi/plugins/spacetime");
    }

    Path dataHome() {
        return pluginDir.getParent().resolve("data");
    }

    Path conf() {
        return pluginDir.resolve("libgstspacetime.conf");
    }

    Result tool(int timeoutSeconds, String... command) throws Exception {
        return tool(Map.of(), timeoutSeconds, command);
    }

    Result tool(Map<String, String> env, int timeoutSeconds, String... command) throws Exception {
        return toolIn(null, env, timeoutSeconds, command);
    }

    /** A tool run in working directory {@code dir} (null: this process's). */
    Result toolIn(Path dir, Map<String, String> env, int timeoutSeconds, String... command) throws Exception {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("GST_PLUGIN_PATH", pluginDir.toString());
        e.put("GST_REGISTRY_1_0", registry.toString());
        return run(List.of(command), e, timeoutSeconds, dir);
    }

    /**
     * The README's shell examples (the sh blocks of its "Examples" section) that contain
     * {@code marker}, each as one command line: continuation lines joined, trailing comments
     * dropped. Tests run them as written.
     */
    List<String> readmeExamples(String marker) throws IOException {
        String readme = Files.readString(root.resolve("README.md"));
        String section = readme.substring(readme.indexOf("## Examples"));
        section = section.substring(0, section.indexOf("\n## ", 3));
        StringBuilder blocks = new StringBuilder();
        for (int at = section.indexOf("```sh"); at >= 0; at = section.indexOf("```sh", section.indexOf("```", at + 5) + 3)) {
            blocks.append(section, at + 5, section.indexOf("```", at + 5)).append('\n');
        }
        String block = blocks.toString();
        List<String> commands = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : block.split("\n")) {
            String code = line.replaceAll("\\s+#.*$", "").strip();
            if (code.isEmpty()) {
                continue;
            }
            boolean continues = code.endsWith("\\");
            current.append(continues ? code.substring(0, code.length() - 1) : code).append(' ');
            if (!continues) {
                if (current.toString().contains(marker)) {
                    commands.add(current.toString().strip());
                }
                current.setLength(0);
            }
        }
        return commands;
    }

    static Result run(List<String> command, Map<String, String> env, int timeoutSeconds) throws Exception {
        return run(command, env, timeoutSeconds, null);
    }

    static Result run(List<String> command, Map<String, String> env, int timeoutSeconds, Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
        pb.environment().putAll(env);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Path out = Files.createTempFile("st-out", ".txt"), err = Files.createTempFile("st-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(command + " did not finish within " + timeoutSeconds + " s (hang); stderr: "
                    + read(err));
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Result r = new Result(p.exitValue(), read(out), read(err), ms);
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return r;
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
