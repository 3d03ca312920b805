package dev.cdc.source.postgres.backfill;

import dev.cdc.api.event.TableId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The tables the source has covered: read by a snapshot or a heal, or with a backfill requested
 * because they started being captured. Kept in {@code captured-tables.txt} in the state directory
 * (a generation number, then one table a line, schema and name separated by a tab; replaced atomically), so that a
 * restart compares the tables captured now with it: a table that joined the publication while the
 * pipeline was down, or whose detection a crash interrupted before the file was replaced, is
 * found again. The file is replaced only after the requests were made, and a request's id carries
 * the generation it was found against, so finding it again asks for the same id (which the engine
 * ignores). Without a state directory it is kept in memory (requests are too). Source thread only.
 */
public final class CapturedTables {

    static final String FILE = "captured-tables.txt";

    private final Optional<Path> file;
    private long generation;
    private Optional<Set<TableId>> known = Optional.empty();

    private CapturedTables(Optional<Path> file) {
        this.file = file;
    }

    /** The set kept in {@code directory} (loaded when there), or one in memory. */
    public static CapturedTables open(Optional<Path> directory) {
        CapturedTables c = new CapturedTables(directory.map(d -> d.resolve(FILE)));
        c.file.filter(Files::isRegularFile).ifPresent(c::load);
        return c;
    }

    /** The tables of {@code captured} not covered yet, in its order; none when nothing was recorded yet. */
    public List<TableId> uncovered(Collection<TableId> captured) {
        if (known.isEmpty()) {
            return List.of();
        }
        List<TableId> out = new ArrayList<>();
        for (TableId t : captured) {
            if (!known.get().contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** The id of the backfill of a table found uncovered now: the same until the next {@link #record}. */
    public String requestId(String slot, TableId table) {
        String id = ("capture-" + slot + "-" + table.namespace() + "." + table.name() + "-g" + generation)
                .replaceAll("[^A-Za-z0-9._-]", "_");
        return id.length() <= 128 ? id : id.substring(0, 119) + "-" + String.format("%08x", id.hashCode());
    }

    /** The source covers exactly {@code captured} now (their requests, if any, are made): durable when a file. */
    public void record(Collection<TableId> captured) {
        Set<TableId> now = new LinkedHashSet<>(captured);
        if (known.isPresent() && known.get().equals(now)) {
            return;
        }
        generation++;
        known = Optional.of(now);
        file.ifPresent(this::write);
    }

    private void load(Path f) {
        try {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            Set<TableId> tables = new LinkedHashSet<>();
            for (String line : lines.subList(1, lines.size())) {
                if (!line.isBlank()) {
                    int tab = line.indexOf('\t');
                    tables.add(TableId.of(line.substring(0, tab), line.substring(tab + 1)));
                }
            }
            generation = Long.parseLong(lines.get(0).trim());
            known = Optional.of(tables);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("could not read the captured tables " + f + " (" + e.getMessage()
                    + "): delete the file to start over (no table is then backfilled for joining while the source was "
                    + "down)", e);
        }
    }

    private void write(Path f) {
        StringBuilder sb = new StringBuilder().append(generation).append('\n');
        known.orElseThrow().forEach(t -> sb.append(t.namespace()).append('\t').append(t.name()).append('\n'));
        try {
            Files.createDirectories(f.getParent());
            Path tmp = f.resolveSibling(FILE + ".tmp");
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the captured tables " + f, e);
        }
    }
}
