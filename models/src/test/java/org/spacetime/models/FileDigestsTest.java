package org.spacetime.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Package files are hashed by OpenSSL where it is installed (install/ installs it), as Java would. */
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
}
