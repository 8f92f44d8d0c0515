package org.spacetime.models;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

/**
 * A model package directory whose manifest was read and checked, and whose files exist inside it
 * and match their SHA-256 digests (models/README.md).
 */
public record ModelPackage(Path directory, Manifest manifest) {

    /** Opens and checks {@code directory}; every problem names the path or field and what is expected. */
    public static ModelPackage open(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new InvalidModelPackageException("model package directory " + dir + " does not exist"
                    + (Files.exists(dir) ? " (it is a file)" : "") + "; expected a directory with model.json");
        }
        Path manifestFile = dir.resolve("model.json");
        if (!Files.isRegularFile(manifestFile)) {
            throw new InvalidModelPackageException(dir + " has no model.json; expected a Spacetime model package");
        }
        Manifest m = Manifest.read(manifestFile);
        List<Digest> digests = new ArrayList<>();
        for (GraphSpec g : m.graphs().values()) {
            Path f = inside(dir, g.file(), "files." + g.role() + ".file");
            if (!Files.isRegularFile(f)) {
                throw new InvalidModelPackageException("model.json names " + g.file() + " for role " + g.role()
                        + " but " + f + " does not exist");
            }
            digests.add(new Digest(f, g.sha256(), "files." + g.role() + ".sha256"));
        }
        Path tokenizer = inside(dir, m.tokenizerFile(), "text.tokenizer");
        if (!Files.isRegularFile(tokenizer)) {
            throw new InvalidModelPackageException("tokenizer " + tokenizer + " does not exist");
        }
        digests.add(new Digest(tokenizer, m.tokenizerSha256(), "text.tokenizer_sha256"));
        // Hashing 35 MB is a tenth of a plugin's start-up: the files are hashed side by side.
        // The first file in manifest order that fails is the one reported.
        try (LoadingThreads hashers = new LoadingThreads("hasher", Math.min(digests.size(),
                Runtime.getRuntime().availableProcessors()))) {
            List<Future<?>> verified = new ArrayList<>();
            for (Digest d : digests) {
                verified.add(hashers.submit(() -> FileDigests.verify(d.file(), d.sha256(), d.field())));
            }
            verified.forEach(LoadingThreads::await);
        }
        return new ModelPackage(dir, m);
    }

    /**
     * A file the manifest names, confined to the package: a package may come from anyone, so a
     * name that is absolute, climbs out with "..", or is a link to a file elsewhere is refused.
     */
    static Path inside(Path dir, String name, String field) {
        Path f = dir.resolve(name).normalize();
        if (Path.of(name).isAbsolute() || !f.startsWith(dir)) {
            throw new InvalidModelPackageException("model.json field '" + field + "' is " + name + ", outside the package "
                    + dir + "; expected a file name inside it");
        }
        try {
            if (Files.exists(f) && !f.toRealPath().startsWith(dir.toRealPath())) {
                throw new InvalidModelPackageException("model.json field '" + field + "' names " + name + ", a link to "
                        + f.toRealPath() + " outside the package " + dir + "; expected a file inside it");
            }
        } catch (java.io.IOException e) {
            throw new InvalidModelPackageException("cannot read " + f + ": " + e.getMessage(), e);
        }
        return f;
    }

    public Path file(String role) {
        return inside(directory, manifest.graphs().get(role).file(), "files." + role + ".file");
    }

    public Path tokenizer() {
        return inside(directory, manifest.tokenizerFile(), "text.tokenizer");
    }

    /** A file the manifest names, the digest it declares, and the field that declares it. */
    private record Digest(Path file, String sha256, String field) {}
}
