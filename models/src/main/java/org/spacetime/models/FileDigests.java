package org.spacetime.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SHA-256 of package files, streamed, and computed once per process per file: a result is reused
 * while the file's size and modification time are unchanged, so opening the same package again
 * (every element of a pipeline, every state cycle) costs a stat, not a read of 35 MB.
 */
final class FileDigests {
    private record Stamp(long size, long modifiedNanos, String sha256) {}

    private static final Map<Path, Stamp> KNOWN = new ConcurrentHashMap<>();

    private FileDigests() {}

    /** Lower-case hex SHA-256 of {@code file} (a real path). */
    static String sha256(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        long modified = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
        Stamp known = KNOWN.get(file);
        if (known != null && known.size == a.size() && known.modifiedNanos == modified) {
            return known.sha256;
        }
        String hex = HexFormat.of().formatHex(OpenSslSha256.available() ? OpenSslSha256.digest(file) : javaSha256(file));
        KNOWN.put(file, new Stamp(a.size(), modified, hex));
        return hex;
    }

    /** SHA-256 by Java's own provider (where OpenSSL is not installed). */
    static byte[] javaSha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return md.digest();
    }

    /** Checks {@code file} against the digest the manifest's {@code field} declares. */
    static void verify(Path file, String expected, String field) {
        String actual;
        try {
            actual = sha256(file.toRealPath());
        } catch (IOException e) {
            throw new InvalidModelPackageException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!actual.equals(expected)) {
            throw new InvalidModelPackageException(file + " does not match model.json field '" + field + "': its SHA-256 is "
                    + actual + ", the manifest says " + expected + " (the file was changed or damaged after the "
                    + "package was made)");
        }
    }
}
