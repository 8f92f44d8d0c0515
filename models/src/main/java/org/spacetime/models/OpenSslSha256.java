package org.spacetime.models;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * SHA-256 by the system's OpenSSL (libcrypto, Debian's libssl3), when it is there. Every start of
 * a plugin hashes the whole package (35 MB for the default one): Java's SHA-256 runs interpreted
 * until the JIT has compiled it, 0.2-0.25 s of each start here, where libcrypto takes 0.02 s.
 * Without libcrypto, {@link FileDigests} uses Java's.
 */
final class OpenSslSha256 {
    private static final Logger LOG = LogManager.getLogger(OpenSslSha256.class);
    private static final int CHUNK = 1 << 22;
    private static final boolean AVAILABLE = register();

    private OpenSslSha256() {}

    private static boolean register() {
        for (String name : new String[] {"crypto", "libcrypto.so.3"}) {
            try {
                Native.register(OpenSslSha256.class, NativeLibrary.getInstance(name));
                return true;
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                LOG.debug("no OpenSSL as {}: {}", name, e.getMessage());
            }
        }
        LOG.debug("OpenSSL's libcrypto not found: package files are hashed by Java");
        return false;
    }

    private static native Pointer EVP_MD_CTX_new();

    private static native void EVP_MD_CTX_free(Pointer ctx);

    private static native Pointer EVP_sha256();

    private static native int EVP_DigestInit_ex(Pointer ctx, Pointer type, Pointer engine);

    private static native int EVP_DigestUpdate(Pointer ctx, ByteBuffer data, long count);

    private static native int EVP_DigestFinal_ex(Pointer ctx, byte[] md, int[] size);

    static boolean available() {
        return AVAILABLE;
    }

    /** The file's SHA-256 (32 bytes), read in 4 MB chunks. */
    static byte[] digest(Path file) throws IOException {
        if (!AVAILABLE) {
            throw new IllegalStateException("OpenSSL's libcrypto is not available");
        }
        Pointer ctx = EVP_MD_CTX_new();
        if (ctx == null) {
            throw new IllegalStateException("EVP_MD_CTX_new failed");
        }
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            check(EVP_DigestInit_ex(ctx, EVP_sha256(), null), "EVP_DigestInit_ex");
            ByteBuffer chunk = ByteBuffer.allocateDirect((int) Math.min(CHUNK, Math.max(1, in.size())));
            while (in.read(chunk.clear()) > 0) {
                chunk.flip();          // JNA passes a buffer's address at its position
                check(EVP_DigestUpdate(ctx, chunk, chunk.remaining()), "EVP_DigestUpdate");
            }
            byte[] md = new byte[32];
            int[] size = new int[1];
            check(EVP_DigestFinal_ex(ctx, md, size), "EVP_DigestFinal_ex");
            if (size[0] != 32) {
                throw new IllegalStateException("EVP_DigestFinal_ex gave " + size[0] + " bytes, not 32");
            }
            return md;
        } finally {
            EVP_MD_CTX_free(ctx);
        }
    }

    private static void check(int ok, String call) {
        if (ok != 1) {
            throw new IllegalStateException(call + " failed");
        }
    }
}
