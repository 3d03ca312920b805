package dev.cdc.schema.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writing files so that they survive a crash of the process or of the machine: a whole file
 * replaced atomically, and directory entries forced to disk. Stateless; safe from any thread
 * as long as two threads do not replace the same file at once. Shared by the schema history
 * ({@link FileSchemaStore}) and the engine's file checkpoint store and file sink.
 */
public final class DurableFiles {

    private static final System.Logger LOG = System.getLogger(DurableFiles.class.getName());

    /** The suffix of the temporary file {@link #replace} writes beside its target. */
    public static final String TEMP_SUFFIX = ".tmp";

    private DurableFiles() {
    }

    /**
     * Replaces {@code target} with {@code content} so that a crash at any point leaves either
     * the old or the new file, whole: write {@code target.tmp}, force it to disk, rename it over
     * {@code target} atomically, then force the directory so the rename itself is durable.
     * The directory must exist.
     */
    public static void replace(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(content);
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + target.getParent() + " cannot rename a file atomically, "
                    + "so a crash could leave a broken " + target.getFileName() + "; use a directory on a local "
                    + "file system", e);
        }
        fsyncDirectory(target.toAbsolutePath().getParent());
    }

    /**
     * Forces a directory's entries (files created, renamed, deleted) to disk. Platforms that
     * cannot open a directory (Windows) make this a no-op.
     */
    public static void fsyncDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot fsync directory {0} on this platform: {1}", directory, e);
        }
    }
}
