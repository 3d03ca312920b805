package dev.cdc.plugins.checkpoint;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.spi.Checkpoint;
import dev.cdc.api.spi.CheckpointStore;
import dev.cdc.format.CheckpointCodec;
import dev.cdc.schema.store.DurableFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps the last checkpoint in {@code <directory>/checkpoint.json}. A save writes
 * {@code checkpoint.json.tmp}, forces it to disk, renames it over {@code checkpoint.json}
 * atomically and forces the directory ({@link DurableFiles#replace}): a crash at any point,
 * even a kill -9 or a power loss, leaves the old or the new checkpoint, whole. A leftover
 * temporary file is ignored by {@link #load} and replaced by the next save.
 *
 * <p>The first save locks {@code <directory>/checkpoint.lock} until {@link #close}, so two
 * processes cannot write one directory's checkpoint; {@link #load} takes no lock, so a status
 * command may read a running pipeline's checkpoint.
 *
 * <p>Called from one thread, per the {@link CheckpointStore} contract.
 */
public final class FileCheckpointStore implements CheckpointStore {

    /** The checkpoint's file name inside the directory. */
    public static final String FILE_NAME = "checkpoint.json";
    static final String LOCK_NAME = "checkpoint.lock";

    private final Path directory;
    private final Path file;
    private FileChannel lockChannel;
    private FileLock lock;
    private boolean closed;

    public FileCheckpointStore(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        this.file = this.directory.resolve(FILE_NAME);
    }

    /** The checkpoint file. */
    public Path file() {
        return file;
    }

    @Override
    public Optional<Checkpoint> load() {
        ensureOpen();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CdcException("cannot read the checkpoint " + file + ": " + e
                    + "; check that the file is readable by this user", e);
        }
        try {
            return Optional.of(CheckpointCodec.decode(bytes));
        } catch (IllegalArgumentException e) {
            throw new CdcException("the checkpoint " + file + " is damaged: " + e.getMessage() + ". It was not "
                    + "written by this store (saves replace it atomically), so it was edited or the disk lost data. "
                    + "To recover, restore the file from a backup; or delete it, and the pipeline starts again "
                    + "as if new, as its source's snapshot mode says (a snapshot re-reads every table)", e);
        }
    }

    @Override
    public void save(Checkpoint checkpoint) {
        ensureOpen();
        Objects.requireNonNull(checkpoint, "checkpoint");
        byte[] bytes = CheckpointCodec.encode(checkpoint);
        try {
            if (lock == null) {
                createDirectory();
                acquireLock(checkpoint.pipeline());
            }
            DurableFiles.replace(file, bytes);
        } catch (IOException e) {
            throw new CdcException("cannot save the checkpoint to " + file + ": " + e
                    + "; check free space and permissions of " + directory, e);
        }
    }

    private void createDirectory() throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            Path parent = directory.getParent();
            if (parent != null) {
                DurableFiles.fsyncDirectory(parent);
            }
        }
    }

    private void acquireLock(String pipeline) throws IOException {
        Path lockFile = directory.resolve(LOCK_NAME);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock acquired;
        try {
            acquired = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            acquired = null;
        }
        if (acquired == null) {
            channel.close();
            throw new CdcException("the checkpoint directory " + directory + " is locked by another store "
                    + "(is pipeline '" + pipeline + "' already running?); stop the other process, or give each "
                    + "pipeline its own checkpoint path");
        }
        lockChannel = channel;
        lock = acquired;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the checkpoint store for " + directory + " is closed");
        }
    }

    @Override
    public String describe() {
        return "file " + file;
    }

    /** Releases the directory's lock. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (lockChannel != null) {
            lockChannel.close();
            lockChannel = null;
            lock = null;
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
