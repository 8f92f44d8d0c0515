package org.spacetime.models;

import java.nio.file.Files;
import java.nio.file.Path;

/** A model package directory whose manifest was read and whose files exist (models/README.md). */
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
        for (GraphSpec g : m.graphs().values()) {
            Path f = dir.resolve(g.file());
            if (!Files.isRegularFile(f)) {
                throw new InvalidModelPackageException("model.json names " + g.file() + " for role " + g.role()
                        + " but " + f + " does not exist");
            }
        }
        if (!Files.isRegularFile(dir.resolve(m.tokenizerFile()))) {
            throw new InvalidModelPackageException("tokenizer " + dir.resolve(m.tokenizerFile()) + " does not exist");
        }
        return new ModelPackage(dir, m);
    }

    public Path file(String role) {
        return directory.resolve(manifest.graphs().get(role).file());
    }
}
