package dev.cdc.schema.store;

import dev.cdc.schema.registry.SchemaStore;
import dev.cdc.schema.registry.SchemaVersion;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;

/**
 * A store in {@value #FILE_NAME} in a directory (by default the checkpoint's directory), in the
 * JSON form of {@link SchemaHistoryCodec}. Each save replaces the file atomically: it writes
 * {@code schema-history.json.tmp}, forces it to disk, renames it over the file and forces the
 * directory, so a crash leaves the old or the new history, whole. The directory is created when
 * missing. Not thread-safe by itself; the registry calls it from one thread at a time.
 */
public final class FileSchemaStore implements SchemaStore {

    /** The file's name in the directory. */
    public static final String FILE_NAME = "schema-history.json";

    private final Path file;

    public FileSchemaStore(Path directory) {
        Objects.requireNonNull(directory, "directory");
        this.file = directory.resolve(FILE_NAME);
    }

    /** The history file. */
    public Path file() {
        return file;
    }

    @Override
    public List<SchemaVersion> load() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        return SchemaHistoryCodec.decode(Files.readAllBytes(file), file.toString());
    }

    @Override
    public void save(List<SchemaVersion> versions) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temp = file.resolveSibling(FILE_NAME + ".tmp");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(SchemaHistoryCodec.encode(versions));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + directory + " cannot rename a file atomically, so a crash"
                    + " could leave a broken " + FILE_NAME + "; put the checkpoint directory on a local file system", e);
        }
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Platforms that cannot open a directory (Windows) have no directory fsync; the rename stands.
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
