package dev.cdc.schema.store;

import dev.cdc.schema.registry.SchemaStore;
import dev.cdc.schema.registry.SchemaVersion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A store in {@value #FILE_NAME} in a directory (by default the checkpoint's directory), in the
 * JSON form of {@link SchemaHistoryCodec}. Each save replaces the file atomically
 * ({@link DurableFiles#replace}: it writes {@code schema-history.json.tmp}, forces it to disk,
 * renames it over the file and forces the directory), so a crash leaves the old or the new
 * history, whole. The directory is created when
 * missing. Not thread-safe by itself; the registry calls it from one thread at a time.
 */
public final class FileSchemaStore implements SchemaStore {

    /** The file's name in the directory. */
    public static final String FILE_NAME = "schema-history.json";

    private final Path file;

    public FileSchemaStore(Path directory) {
        this(directory, FILE_NAME);
    }

    /** A store in {@code directory/fileName} (the engine keeps each sink's accepted schemas so). */
    public FileSchemaStore(Path directory, String fileName) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fileName, "fileName");
        this.file = directory.resolve(fileName);
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
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            Path parent = directory.getParent();
            if (parent != null) {
                DurableFiles.fsyncDirectory(parent);
            }
        }
        DurableFiles.replace(file, SchemaHistoryCodec.encode(versions));
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
