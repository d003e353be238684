package dev.chat.server.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The SQLite store's directory, held by one server at a time: created if missing, checked
 * writable, and locked ({@code FileChannel.tryLock} on {@value StoreConfig#LOCK_FILE}, which
 * also names the holder's pid). The operating system releases the lock when the process dies,
 * however it dies, so a {@code kill -9} leaves nothing to clean up.
 */
final class DataDirectory implements AutoCloseable {
    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectory(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @throws StoreStartException naming the directory and what is wrong: not a directory, cannot
     *     be created, not writable, or in use by another server
     */
    static DataDirectory acquire(Path dir) {
        String name = "data directory " + dir;
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new StoreStartException(name + " is not a directory");
        }
        if (!Files.exists(dir)) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new StoreStartException(name + " does not exist and cannot be created: " + reason(e), e);
            }
        }
        Path lockFile = dir.resolve(StoreConfig.LOCK_FILE);
        FileChannel ch;
        try {
            ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreStartException(name + " is not writable: " + reason(e), e);
        }
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this very process holds it (a second store in one JVM)
        } catch (IOException e) {
            closeQuietly(ch);
            throw new StoreStartException(name + ": cannot lock " + lockFile + ": " + reason(e), e);
        }
        if (lock == null) {
            String holder = holder(ch);
            closeQuietly(ch);
            throw new StoreStartException(name + " is in use by another chat server"
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")") + ": " + lockFile + " is locked");
        }
        DataDirectory d = new DataDirectory(dir, ch, lock);
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            // SQLite creates its -wal and -shm files next to the database: the directory itself must take new files
            Path probe = Files.createTempFile(dir, ".write-probe", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            d.close();
            throw new StoreStartException(name + " is not writable: " + reason(e), e);
        }
        return d;
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            ch.read(b, 0);
            return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** What went wrong, in the words of the operating system. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        return Failures.oneLine(e);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
