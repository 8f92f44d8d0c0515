package org.spacetime.models;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * ONNX Runtime's graph optimisations (fusions, constant folding) are most of the time a session
 * takes to make: 180-250 of them for the default denoiser on a 2-core CPU, against 55-90 ms for the
 * graph they produce. So the graph optimised at the "extended" level (hardware-independent: the
 * layout optimisations are still applied when it is loaded) is kept, per source graph, ONNX Runtime
 * version and provider, and later loads start from it.
 *
 * <p>A kept graph is named {@code <source sha256>-ort<version>-<provider>-<its own sha256>.onnx} and
 * is checked against that digest before use, like a package file: a damaged one, or one ONNX Runtime
 * refuses, is removed and the package's own graph is used (and kept again). Files are written under
 * a temporary name and renamed, so a process that dies while writing leaves no graph that looks
 * whole; such leftovers are removed by the next write.
 *
 * <p>Where: {@code SPACETIME_GRAPH_CACHE} (a directory, or {@code off}), else
 * {@code $XDG_CACHE_HOME/spacetime/graphs}, else {@code ~/.cache/spacetime/graphs}.
 */
final class OptimizedGraphCache {
    private static final Logger LOG = LogManager.getLogger(OptimizedGraphCache.class);
    private static final String PARTIAL = ".partial-";
    /** Graphs above this are not copied (a second copy of a multi-gigabyte model is not worth 0.2 s). */
    static final long MAX_SOURCE_BYTES = 1L << 30;

    /** No caching. */
    static final OptimizedGraphCache OFF = new OptimizedGraphCache(null);

    private final Path directory;

    OptimizedGraphCache(Path directory) {
        this.directory = directory;
    }

    /** The cache this process's environment asks for (class comment). */
    static OptimizedGraphCache standard() {
        return from(System.getenv(), System.getProperty("user.home"));
    }

    static OptimizedGraphCache from(java.util.Map<String, String> environment, String home) {
        String asked = environment.get("SPACETIME_GRAPH_CACHE");
        if (asked != null && !asked.isBlank()) {
            return asked.equals("off") ? OFF : new OptimizedGraphCache(Path.of(asked));
        }
        String xdg = environment.get("XDG_CACHE_HOME");
        if (xdg != null && Path.of(xdg).isAbsolute()) {     // the XDG rule: relative values are ignored
            return new OptimizedGraphCache(Path.of(xdg, "spacetime", "graphs"));
        }
        return home == null || home.isBlank() ? OFF : new OptimizedGraphCache(Path.of(home, ".cache", "spacetime", "graphs"));
    }

    boolean enabled() {
        return directory != null;
    }

    Path directory() {
        return directory;
    }

    /** The kept graph for this source, checked; empty when none is kept or the kept one is damaged (then removed). */
    Optional<Path> find(String sourceSha256, String ortVersion, String provider) {
        if (directory == null || !Files.isDirectory(directory)) {
            return Optional.empty();
        }
        String prefix = prefix(sourceSha256, ortVersion, provider);
        for (Path p : list(prefix)) {
            String name = p.getFileName().toString(), named = name.substring(prefix.length(), name.length() - ".onnx".length());
            String actual;
            try {
                actual = FileDigests.sha256(p.toRealPath());
            } catch (IOException e) {
                actual = "unreadable (" + e.getMessage() + ")";
            }
            if (actual.equals(named)) {
                return Optional.of(p);
            }
            LOG.warn("removing the damaged optimised graph {}: its SHA-256 is {}, its name says {}", p, actual, named);
            discard(p);
        }
        return Optional.empty();
    }

    /**
     * Keeps the graph that {@code writer} writes to the path it is given, under its digest;
     * returns where it is kept, or empty where it could not be (logged; the caller loads the
     * package's graph as it is, which reports a graph ONNX Runtime cannot read). ONNX Runtime's
     * failure to write (a full disk) and to read the source look the same from here.
     */
    Optional<Path> keep(String sourceSha256, String ortVersion, String provider, GraphWriter writer) {
        if (directory == null) {
            return Optional.empty();
        }
        Path partial = null;
        try {
            Files.createDirectories(directory);
            removeStalePartials();
            partial = Files.createTempFile(directory, PARTIAL, ".onnx");
            writer.write(partial);
            String own = FileDigests.sha256(partial.toRealPath());
            Path kept = directory.resolve(prefix(sourceSha256, ortVersion, provider) + own + ".onnx");
            for (Path older : list(prefix(sourceSha256, ortVersion, provider))) {
                if (!older.equals(kept)) {
                    discard(older);
                }
            }
            try {
                Files.move(partial, kept, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, kept, StandardCopyOption.REPLACE_EXISTING);
            }
            LOG.debug("kept the optimised graph {}", kept);
            return Optional.of(kept);
        } catch (IOException | ai.onnxruntime.OrtException | RuntimeException e) {
            LOG.warn("could not keep an optimised graph in {} ({}); the package's graph is optimised on every load",
                    directory, e.getMessage());
            if (partial != null) {
                discard(partial);
            }
            return Optional.empty();
        }
    }

    /** Removes a kept graph (damaged, or refused by ONNX Runtime). */
    void discard(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", p, e.getMessage());
        }
    }

    /** Writes an optimised graph to the given path. */
    interface GraphWriter {
        void write(Path target) throws IOException, ai.onnxruntime.OrtException;
    }

    private static String prefix(String sourceSha256, String ortVersion, String provider) {
        return sourceSha256 + "-ort" + ortVersion.replaceAll("[^0-9A-Za-z.]", "_") + "-" + provider + "-";
    }

    private List<Path> list(String prefix) {
        try (Stream<Path> s = Files.list(directory)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".onnx"))
                    .sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Partial files of processes that died while writing (an hour old: not one a slow machine still writes). */
    private void removeStalePartials() {
        Instant before = Instant.now().minus(Duration.ofHours(1));
        try (Stream<Path> s = Files.list(directory)) {
            s.filter(p -> p.getFileName().toString().startsWith(PARTIAL)).forEach(p -> {
                try {
                    if (Files.getLastModifiedTime(p).toInstant().isBefore(before)) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException e) {
                    LOG.debug("cannot remove {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", directory, e.getMessage());
        }
    }
}
