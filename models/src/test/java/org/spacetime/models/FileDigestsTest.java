package org.spacetime.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Package files are hashed by OpenSSL where it is installed (install/ installs it), as Java would;
 * a later process reuses a digest only for the very file that was hashed (DigestRecord).
 */
class FileDigestsTest {
    @TempDir
    Path tmp;

    @Test
    void openSslIsUsedOnDebianAndAgreesWithJava() throws Exception {
        assertTrue(OpenSslSha256.available(), "libcrypto (libssl3, install/debian-packages.txt) could not be loaded");
        Random r = new Random(5);
        // Empty, one byte, exactly one 4 MB chunk, and chunks with a remainder.
        for (int size : new int[] {0, 1, 1 << 22, (1 << 22) * 2 + 12345}) {
            byte[] data = new byte[size];
            r.nextBytes(data);
            Path f = tmp.resolve("f" + size);
            Files.write(f, data);
            assertArrayEquals(FileDigests.javaSha256(f), OpenSslSha256.digest(f), "SHA-256 of " + size + " bytes");
        }
    }

    private Path file(String name, byte[] data) throws Exception {
        Path f = tmp.resolve(name);
        Files.write(f, data);
        return f.toRealPath();
    }

    private static String javaHex(Path f) throws Exception {
        return HexFormat.of().formatHex(FileDigests.javaSha256(f));
    }

    @Test
    void aLaterProcessTakesTheDigestFromTheRecordWithoutReadingTheFile() throws Exception {
        Path f = file("graph.onnx", "first".getBytes(StandardCharsets.UTF_8));
        Path cache = tmp.resolve("cache");
        FileDigests.forgetKnown();
        assertEquals(javaHex(f), FileDigests.sha256(f, new DigestRecord(cache, Duration.ZERO)));
        // Put another digest in the record for the same file: a new process returns it, so it read
        // the record, not the file.
        Path record = cache.resolve(DigestRecord.FILE_NAME);
        String made = "ab".repeat(32);
        Files.writeString(record, Files.readString(record).replace(javaHex(f), made));
        FileDigests.forgetKnown();
        assertEquals(made, FileDigests.sha256(f, new DigestRecord(cache, Duration.ZERO)));
    }

    @Test
    void aFileChangedAfterItWasHashedIsHashedAgainThoughItsSizeAndModificationTimeAreBack() throws Exception {
        Path f = file("denoiser.onnx", "aaaa".getBytes(StandardCharsets.UTF_8));
        Path cache = tmp.resolve("cache");
        FileTime modified = Files.getLastModifiedTime(f);
        FileDigests.forgetKnown();
        String before = FileDigests.sha256(f, new DigestRecord(cache, Duration.ZERO));
        Thread.sleep(50);                       // past the filesystem's clock tick
        Files.write(f, "bbbb".getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(f, modified);
        FileDigests.forgetKnown();
        String after = FileDigests.sha256(f, new DigestRecord(cache, Duration.ZERO));
        assertNotEquals(before, after);
        assertEquals(javaHex(f), after);
    }

    @Test
    void aFileChangedJustBeforeItWasHashedIsNotRecorded() throws Exception {
        Path f = file("fresh.onnx", "fresh".getBytes(StandardCharsets.UTF_8));
        Path cache = tmp.resolve("cache");
        FileDigests.forgetKnown();
        FileDigests.sha256(f, new DigestRecord(cache, DigestRecord.SETTLE));
        assertTrue(new DigestRecord(cache, DigestRecord.SETTLE).find(DigestRecord.Identity.of(f)).isEmpty(),
                "a file written less than " + DigestRecord.SETTLE + " ago was recorded");
    }

    @Test
    void aDamagedRecordIsIgnored() throws Exception {
        Path f = file("text_encoder.onnx", "text".getBytes(StandardCharsets.UTF_8));
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        Files.writeString(cache.resolve(DigestRecord.FILE_NAME), "not\ta record\n" + "ab".repeat(32) + "\t1\t2\n\u0000\n");
        FileDigests.forgetKnown();
        assertEquals(javaHex(f), FileDigests.sha256(f, new DigestRecord(cache, Duration.ZERO)));
        Files.write(cache.resolve(DigestRecord.FILE_NAME), new byte[(1 << 20) + 1]);
        FileDigests.forgetKnown();
        assertEquals(javaHex(f), FileDigests.sha256(f, new DigestRecord(cache, Duration.ZERO)));
    }
}
