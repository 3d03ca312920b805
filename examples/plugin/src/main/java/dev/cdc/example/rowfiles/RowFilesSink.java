package dev.cdc.example.rowfiles;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Sink;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Keeps the latest row of each key in {@code <directory>/<table>/<key>.properties}, with the
 * event's {@code sort_key} beside it. A change older than the stored one is ignored (so replays
 * and late retries never restore an old row), a delete leaves a tombstone (so a replayed insert
 * cannot resurrect the row), unchanged columns keep their stored value, a truncate removes the
 * table's directory. {@code write} only collects; {@code flush} writes, which is when the rows
 * become durable. Called from one thread, as the Sink contract says.
 */
final class RowFilesSink implements Sink {

    static final String SORT_KEY = "_sort_key";
    static final String DELETED = "_deleted";

    private final Path directory;
    private final boolean fsync;
    private final Map<Path, ChangeEvent> pending = new LinkedHashMap<>();

    RowFilesSink(Path directory, boolean fsync) {
        this.directory = directory;
        this.fsync = fsync;
    }

    @Override
    public void open() throws IOException {
        Files.createDirectories(directory);
    }

    @Override
    public void write(java.util.List<ChangeEvent> events) throws IOException {
        for (ChangeEvent e : events) {
            if (e.operation() == Operation.TRUNCATE) {
                flush();
                deleteTree(directory.resolve(e.table().toString()));
            } else {
                Path file = fileOf(e.table(), e.key());
                ChangeEvent earlier = pending.get(file);
                if (earlier != null && e.after().map(Row::hasUnchanged).orElse(false)) {
                    apply(file, earlier); // its values are what the unchanged columns must keep
                }
                pending.put(file, e);
            }
        }
    }

    @Override
    public void flush() throws IOException {
        for (Map.Entry<Path, ChangeEvent> p : pending.entrySet()) {
            apply(p.getKey(), p.getValue());
        }
        pending.clear();
    }

    private void apply(Path file, ChangeEvent e) throws IOException {
        Properties stored = read(file);
        String storedKey = stored.getProperty(SORT_KEY, "");
        if (storedKey.compareTo(e.position().sortKey()) >= 0) {
            return; // the file already holds this change or a newer one
        }
        Properties next = new Properties();
        if (e.operation() == Operation.DELETE) {
            next.setProperty(DELETED, "true");
        } else {
            e.after().orElseThrow().asMap().forEach((column, value) -> {
                if (e.after().get().isUnchanged(column)) {
                    String old = stored.getProperty(column);
                    if (old != null) {
                        next.setProperty(column, old);
                    }
                } else if (value != null) {
                    next.setProperty(column, String.valueOf(value));
                }
            });
        }
        next.setProperty(SORT_KEY, e.position().sortKey());
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            next.store(out, null);
        }
        if (fsync) {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static Path fileOf(Path directory, TableId table, Row key) {
        String name = key.asMap().values().stream()
                .map(v -> URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8))
                .collect(Collectors.joining(","));
        return directory.resolve(table.toString()).resolve(name + ".properties");
    }

    private Path fileOf(TableId table, Row key) {
        return fileOf(directory, table, key);
    }

    static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
        }
        return p;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    @Override
    public void close() {
        pending.clear(); // close does not flush: what was not flushed was never acknowledged
    }
}
