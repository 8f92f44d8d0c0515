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
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * SHA-256 of package files, streamed, and computed once per file: a result is reused in the process
 * while the file's size and modification time are unchanged, so opening the same package again
 * (every element of a pipeline, every state cycle) costs a stat, not a read of 26 MB; and by later
 * processes while the file is exactly the one hashed ({@link DigestRecord}: size, times, inode).
 */
final class FileDigests {
    private record Stamp(long size, long modifiedNanos, String sha256) {}

    private static final Map<Path, Stamp> KNOWN = new ConcurrentHashMap<>();

    private FileDigests() {}

    private static final class Record {
        static final DigestRecord STANDARD = DigestRecord.standard();
    }

    /** Lower-case hex SHA-256 of {@code file} (a real path). */
    static String sha256(Path file) throws IOException {
        return sha256(file, Record.STANDARD);
    }

    static String sha256(Path file, DigestRecord record) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        long modified = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        Stamp known = KNOWN.get(file);
        if (known != null && known.size == a.size() && known.modifiedNanos == modified) {
            return known.sha256;
        }
        // The identity is read before the bytes: a change while they are read makes it stale.
        DigestRecord.Identity id = DigestRecord.Identity.of(file);
        Instant started = Instant.now();
        String hex = record.find(id).orElse(null);
        if (hex == null) {
            hex = HexFormat.of().formatHex(OpenSslSha256.available() ? OpenSslSha256.digest(file) : javaSha256(file));
            record.add(id, hex, started);
        }
        KNOWN.put(file, new Stamp(a.size(), modified, hex));
        return hex;
    }

    /** Forgets this process's digests (tests: a new process). */
    static void forgetKnown() {
        KNOWN.clear();
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
