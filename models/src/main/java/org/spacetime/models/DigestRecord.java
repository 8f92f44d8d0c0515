package org.spacetime.models;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * SHA-256 digests that earlier processes computed, kept on disk so that a new process (every
 * {@code gst-launch-1.0}) does not read 50 MB of package and kept graphs again to verify them.
 *
 * <p>A digest is trusted only for the same file as it was computed on: the same real path, size,
 * modification time, status-change time (ctime), inode and device. Writing a file, or setting its
 * modification time back, sets its ctime to the present, which no unprivileged process can set
 * back: a file changed after it was hashed never matches its record (git's index relies on the
 * same). A file changed less than {@link #SETTLE} before it was hashed is not recorded, because a
 * second change inside the filesystem's clock tick could leave every one of those the same. Only
 * files on local filesystems known to keep ctime so are recorded (ext4, xfs, btrfs, tmpfs, ...).
 *
 * <p>The record is a small text file in the cache directory of the optimised graphs
 * ({@link OptimizedGraphCache}: off with it), rewritten whole under a temporary name and renamed.
 * Unreadable, oversized or malformed records are ignored (the files are hashed as without one).
 */
final class DigestRecord {
    private static final Logger LOG = LogManager.getLogger(DigestRecord.class);
    static final String FILE_NAME = "file-digests.txt";
    /** Files changed this recently are hashed every time (the filesystem's clock ticks are coarser than ns). */
    static final Duration SETTLE = Duration.ofSeconds(2);
    static final int MAX_ENTRIES = 512;
    private static final long MAX_BYTES = 1 << 20;
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Set<String> POSIX_FILESYSTEMS = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "zfs", "f2fs",
            "tmpfs", "overlay");
    private static final Map<Long, Boolean> POSIX_TIMES = new ConcurrentHashMap<>();

    /** What identifies one version of a file; {@code null} where the filesystem does not say. */
    record Identity(Path path, long size, long modifiedNanos, long changedNanos, long inode, long device) {
        static Identity of(Path realPath) {
            try {
                Map<String, Object> a = Files.readAttributes(realPath, "unix:size,lastModifiedTime,ctime,ino,dev");
                long device = (Long) a.get("dev");
                if (!POSIX_TIMES.computeIfAbsent(device, d -> keepsPosixTimes(realPath))) {
                    return null;
                }
                return new Identity(realPath, (Long) a.get("size"), nanos(a.get("lastModifiedTime")), nanos(a.get("ctime")),
                        (Long) a.get("ino"), device);
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
                return null;
            }
        }

        /** Whether the file's filesystem sets ctime on every change as POSIX says (FAT, network and FUSE ones may not). */
        private static boolean keepsPosixTimes(Path p) {
            try {
                return POSIX_FILESYSTEMS.contains(Files.getFileStore(p).type());
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        private static long nanos(Object time) {
            return ((FileTime) time).to(TimeUnit.NANOSECONDS);
        }

        String line(String sha256) {
            return String.join("\t", sha256, Long.toString(size), Long.toString(modifiedNanos), Long.toString(changedNanos),
                    Long.toString(inode), Long.toString(device), path.toString());
        }
    }

    /** No record: every process hashes every file. */
    static final DigestRecord OFF = new DigestRecord(null, SETTLE);

    private final Path file;
    private final Duration settle;
    private Map<Path, String> lines;            // path -> its whole line, in the order recorded; read once

    DigestRecord(Path directory, Duration settle) {
        this.file = directory == null ? null : directory.resolve(FILE_NAME);
        this.settle = settle;
    }

    /** The record next to this process's optimised graphs (none when that cache is off). */
    static DigestRecord standard() {
        OptimizedGraphCache graphs = OptimizedGraphCache.standard();
        return graphs.enabled() ? new DigestRecord(graphs.directory(), SETTLE) : OFF;
    }

    /** The digest recorded for exactly this version of the file. */
    synchronized Optional<String> find(Identity id) {
        if (file == null || id == null) {
            return Optional.empty();
        }
        String line = lines().get(id.path());
        if (line == null) {
            return Optional.empty();
        }
        String sha256 = line.substring(0, 64);
        return line.equals(id.line(sha256)) ? Optional.of(sha256) : Optional.empty();
    }

    /** Records the digest of this version of the file, unless it changed too recently to be told apart. */
    synchronized void add(Identity id, String sha256, Instant hashingStarted) {
        if (file == null || id == null || !HEX64.matcher(sha256).matches()
                || id.changedNanos() > TimeUnit.MILLISECONDS.toNanos(hashingStarted.minus(settle).toEpochMilli())
                || id.path().toString().contains("\t") || id.path().toString().contains("\n")) {
            return;
        }
        Map<Path, String> all = lines();
        all.remove(id.path());
        all.put(id.path(), id.line(sha256));
        while (all.size() > MAX_ENTRIES) {
            all.remove(all.keySet().iterator().next());     // the oldest
        }
        write(new ArrayList<>(all.values()));
    }

    private Map<Path, String> lines() {
        if (lines == null) {
            lines = new LinkedHashMap<>();
            try {
                if (Files.isRegularFile(file) && Files.size(file) <= MAX_BYTES) {
                    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                        String[] f = line.split("\t", 7);
                        if (f.length == 7 && HEX64.matcher(f[0]).matches()) {
                            lines.put(Path.of(f[6]), line);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("ignoring the digest record {}: {}", file, e.getMessage());
                lines.clear();
            }
        }
        return lines;
    }

    private void write(List<String> all) {
        Path partial = null;
        try {
            Files.createDirectories(file.getParent());
            partial = Files.createTempFile(file.getParent(), ".partial-digests-", ".txt",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(partial, all, StandardCharsets.UTF_8);
            try {
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot write the digest record {}: {}", file, e.getMessage());
            if (partial != null) {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException ignored) {
                    // nothing more to do: the next write replaces it
                }
            }
        }
    }
}
