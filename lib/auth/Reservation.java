package lib.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A temp file waiting to replace its target (PrivateFiles' atomic replacement): owner-only, beside
 * the target, renamed over it by commit(); close() without commit() removes it.
 */
final class Reservation implements AutoCloseable {
    private static final AtomicLong TEMP_SEQUENCE = new AtomicLong(System.nanoTime());

    private final Path file, tmp;

    private Reservation(Path file, Path tmp) {
        this.file = file;
        this.tmp = tmp;
    }

    /** Writes `content` over what was reserved (no new room needed), then renames it over the target. */
    void commit(byte[] content, boolean durable) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) ch.write(buf);
            ch.truncate(content.length);
            if (durable) ch.force(true);
        }
        Path dir = tmp.getParent();
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + dir + " cannot replace files atomically", e);
        }
        if (durable) PrivateFiles.syncDir(dir);
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException litter) {
            // A leftover temp file in a private folder is litter, not a loss.
        }
    }

    /**
     * Room for the file's next content, taken now: a temp file beside it with `bytes` written and
     * synced. A save that must not fail after something irreversible (a refresh spends the refresh
     * token) reserves first; a full disk or a read-only folder then fails before, not after.
     */
    static Reservation reserve(Path file, int bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        PrivateFiles.ensureDir(dir);
        PrivateFiles.regularOrAbsent(file, "replace");
        removeStaleTempFiles(dir, file.getFileName().toString());
        Path tmp = newTempFile(dir, file.getFileName().toString());
        Reservation r = new Reservation(file, tmp);
        if (bytes > 0) {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer zeros = ByteBuffer.allocate(bytes);
                while (zeros.hasRemaining()) ch.write(zeros);
                ch.force(true);
            } catch (IOException e) {
                r.close();
                throw e;
            }
        }
        return r;
    }

    /**
     * A new empty 0600 file `.NAME.PID.N.tmp`. Not Files.createTempFile: its SecureRandom costs tens
     * of ms on a cold JVM, and in a private folder a unique name is enough; CREATE_NEW refuses
     * anything already there, links included.
     */
    private static Path newTempFile(Path dir, String name) throws IOException {
        Path tmp = dir.resolve("." + name + "." + ProcessHandle.current().pid() + "." + TEMP_SEQUENCE.incrementAndGet() + ".tmp");
        FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PrivateFiles.ownerOnly(tmp, PrivateFiles.FILE_MODE)).close();
        PrivateFiles.ownerOnlyAcl(tmp);
        return tmp;
    }

    /**
     * The temp files of `name` that a killed process left (a refresh killed while saving leaves 64 KiB
     * for good): those of a process that no longer runs, or older than a day, when their pid may be
     * another process's; a save still running keeps its own. Run at each save (under the file's lock where it has one).
     */
    private static void removeStaleTempFiles(Path dir, String name) {
        String prefix = "." + name + ".";
        long dayAgo = System.currentTimeMillis() - Duration.ofDays(1).toMillis();
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix)
                && p.getFileName().toString().endsWith(".tmp"))) {
            for (Path tmp : temps) {
                String[] pidAndN = tmp.getFileName().toString().substring(prefix.length()).split("\\.");
                if (pidAndN.length != 3 || !pidAndN[0].matches("[0-9]{1,18}")) continue;
                if (ProcessHandle.of(Long.parseLong(pidAndN[0])).isEmpty()
                        || Files.getLastModifiedTime(tmp, LinkOption.NOFOLLOW_LINKS).toMillis() < dayAgo)
                    Files.deleteIfExists(tmp);
            }
        } catch (IOException | DirectoryIteratorException litter) {
            // What cannot be removed now is tried again at the next save; it costs disk space, nothing else.
        }
    }
}
