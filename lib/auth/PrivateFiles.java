package lib.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryFlag;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Files only the user may read, replaced atomically and locked across processes. A reader sees the
 * whole old file or the whole new one, never a mix, whatever happens to the writer. "Only the user"
 * is mode 0700/0600 where the file system has POSIX modes, and an ACL naming only the owner where it
 * has ACLs instead (Windows); a file system with neither (FAT) keeps what it has, and nothing fails.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    static final long MAX_FILE_BYTES = 1 << 20;

    private PrivateFiles() {}

    /** Creates the folder owner-only (never loosened afterwards, so there is no window); tightens a loose one. */
    public static void ensureDir(Path dir) throws IOException {
        if (Files.isSymbolicLink(dir)) throw new IOException(dir + " is a symbolic link; refusing to use it");
        if (!Files.isDirectory(dir)) {
            Path parent = dir.getParent();
            if (parent != null) Files.createDirectories(parent, ownerOnly(parent, DIR_MODE)); // only the missing ones
            try {
                Files.createDirectory(dir, ownerOnly(dir, DIR_MODE));
                ownerOnlyAcl(dir);
            } catch (FileAlreadyExistsException raced) {
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) throw raced;
            }
        }
        tighten(dir, DIR_MODE);
    }

    /**
     * Takes away what others may do with the file or folder: POSIX bits beyond `mode` (the owner's own
     * bits are never widened), or ACL entries for anyone but the owner. True when something changed.
     */
    public static boolean tighten(Path path, Set<PosixFilePermission> mode) throws IOException {
        // Refused by name, since JDK 25 changes the target's mode even through a no-follow view.
        if (Files.isSymbolicLink(path)) throw new IOException(path + " is a symbolic link; refusing to change its mode");
        if (posix(path)) {
            Set<PosixFilePermission> now = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            if (mode.containsAll(now)) return false;
            now.retainAll(mode);
            // Through the link's own attributes: never the mode of a file a link swapped in points at.
            Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setPermissions(now);
            return true;
        }
        AclFileAttributeView acl = Files.getFileAttributeView(path, AclFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (acl == null) return false;
        UserPrincipal owner = acl.getOwner();
        if (acl.getAcl().stream().allMatch(e -> e.type() == AclEntryType.ALLOW && e.principal().equals(owner))) return false;
        ownerOnlyAcl(path);
        return true;
    }

    /** Whether the group or others may read the file, where the file system has POSIX modes (elsewhere: unknown, false). */
    public static boolean readableByOthers(Path path) throws IOException {
        if (!posix(path)) return false;
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
        return mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ);
    }

    public static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** The POSIX mode to create with, where the file system has modes (else none: see ownerOnlyAcl). */
    static FileAttribute<?>[] ownerOnly(Path path, Set<PosixFilePermission> mode) {
        return posix(path) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)} : new FileAttribute<?>[0];
    }

    /**
     * Where there are ACLs but no modes: one entry, the owner may do everything. On a folder it is
     * inherited, so the files created in it start owner-only too.
     */
    static void ownerOnlyAcl(Path path) throws IOException {
        if (posix(path)) return;
        AclFileAttributeView view = Files.getFileAttributeView(path, AclFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) return;
        AclEntry.Builder entry = AclEntry.newBuilder().setType(AclEntryType.ALLOW).setPrincipal(view.getOwner())
                .setPermissions(EnumSet.allOf(AclEntryPermission.class));
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS))
            entry.setFlags(AclEntryFlag.FILE_INHERIT, AclEntryFlag.DIRECTORY_INHERIT);
        view.setAcl(List.of(entry.build()));
    }

    /**
     * Refuses anything at `file` but a regular file (or nothing): a symbolic link could point anywhere,
     * and opening a FIFO blocks until someone writes to it, which would hang every command.
     */
    static void regularOrAbsent(Path file, String doing) throws IOException {
        if (Files.isSymbolicLink(file)) throw new IOException(file + " is a symbolic link; refusing to " + doing + " it");
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
            throw new IOException(file + " is not a regular file; refusing to " + doing + " it");
    }

    /** The file's bytes, or null when it does not exist. Links, FIFOs and oversized files are refused. */
    public static byte[] read(Path file) throws IOException {
        regularOrAbsent(file, "read");
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            long size = ch.size();
            if (size > MAX_FILE_BYTES) throw new IOException(file + " is too large (" + size + " bytes)");
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf) >= 0) { }
            return buf.array();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Temp file 0600 in the same folder, fsync, atomic rename over the target, fsync the folder. */
    public static void writeAtomically(Path file, byte[] content) throws IOException {
        writeAtomically(file, content, true);
    }

    /**
     * The same; without `durable` the two fsyncs are skipped: the rename is still atomic, so a crash
     * leaves the old or the new file, but a power cut may lose the change. For state that is cheap to
     * lose (the last conversation), where an fsync would delay every exit.
     */
    public static void writeAtomically(Path file, byte[] content, boolean durable) throws IOException {
        try (Reservation r = Reservation.reserve(file, 0)) {
            r.commit(content, durable);
        }
    }

    /** Removes the file and makes the removal durable. */
    static boolean delete(Path file) throws IOException {
        boolean deleted = Files.deleteIfExists(file);
        if (deleted) syncDir(file.toAbsolutePath().getParent());
        return deleted;
    }

    static void syncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Some file systems (Windows) cannot open or fsync a directory; the rename itself is still atomic.
        }
    }

    /** Held while a read-modify-write runs; close() releases it. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private static final class LockState {
        final ReentrantLock inJvm = new ReentrantLock();
        FileChannel channel;
        FileLock fileLock;
    }

    private static final Map<Path, LockState> LOCKS = new ConcurrentHashMap<>();

    /**
     * Excludes every other holder of the same lock file, in this JVM (a FileLock is per JVM) and in
     * other processes. The lock file stays in place: deleting it would let two holders lock two inodes.
     */
    public static Held lock(Path lockFile, Duration timeout) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        LockState state = LOCKS.computeIfAbsent(key, k -> new LockState());
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!state.inJvm.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) throw busy(lockFile, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + lockFile, e);
        }
        if (state.inJvm.getHoldCount() > 1) return state.inJvm::unlock;
        try {
            ensureDir(key.getParent());
            regularOrAbsent(key, "lock");
            state.channel = FileChannel.open(key, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), ownerOnly(key, FILE_MODE));
            long pause = 5;
            while ((state.fileLock = state.channel.tryLock()) == null) {
                if (System.nanoTime() > deadline) throw busy(lockFile, timeout);
                Thread.sleep(pause);
                pause = Math.min(pause * 2, 50);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            release(state);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + lockFile, e);
            }
            throw e instanceof IOException ? (IOException) e : new IOException(e.getMessage(), e);
        }
        return () -> release(state);
    }

    private static void release(LockState state) {
        if (state.inJvm.getHoldCount() == 1) {
            try {
                if (state.channel != null) state.channel.close(); // also releases the FileLock
            } catch (IOException ignored) {
                // Closing a lock file cannot lose data; the OS drops the lock with the descriptor.
            }
            state.channel = null;
            state.fileLock = null;
        }
        state.inJvm.unlock();
    }

    private static IOException busy(Path lockFile, Duration timeout) {
        return new IOException("another coze-jbang process held " + lockFile + " for more than "
                + timeout.toSeconds() + " s");
    }
}
