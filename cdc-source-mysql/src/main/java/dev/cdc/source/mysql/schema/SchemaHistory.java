package dev.cdc.source.mysql.schema;

import dev.cdc.api.event.TableId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every known version of each captured table's definition, keyed by the binlog sort key from
 * which it holds: recorded at the snapshot and at each DDL statement, so a restart that replays
 * old events decodes them with the definition of their time. Kept in memory and, when the
 * pipeline has a state directory, appended to {@code schema-history.txt} there (one line per
 * version, URL-encoded fields) before the events that need it are emitted.
 *
 * <p>Used from the source thread only.
 */
public final class SchemaHistory {

    private static final String FILE = "schema-history.txt";
    private static final String DROPPED = "-";

    private final Map<TableId, TreeMap<String, Optional<MySqlTable>>> versions = new HashMap<>();
    private final Optional<Path> file;

    private SchemaHistory(Optional<Path> file) {
        this.file = file;
    }

    /** The history kept in {@code directory} (loaded when present), or an in-memory one. */
    public static SchemaHistory open(Optional<Path> directory) {
        SchemaHistory h = new SchemaHistory(directory.map(d -> d.resolve(FILE)));
        h.file.filter(Files::isRegularFile).ifPresent(h::load);
        return h;
    }

    /** The definition in effect at {@code sortKey}: the latest recorded at or before it. */
    public Optional<MySqlTable> at(TableId table, String sortKey) {
        TreeMap<String, Optional<MySqlTable>> v = versions.get(table);
        if (v == null) {
            return Optional.empty();
        }
        Map.Entry<String, Optional<MySqlTable>> e = v.floorEntry(sortKey);
        return e == null ? Optional.empty() : e.getValue();
    }

    /** The definition in effect just before {@code sortKey}. */
    public Optional<MySqlTable> before(TableId table, String sortKey) {
        TreeMap<String, Optional<MySqlTable>> v = versions.get(table);
        Map.Entry<String, Optional<MySqlTable>> e = v == null ? null : v.lowerEntry(sortKey);
        return e == null ? Optional.empty() : e.getValue();
    }

    /** Whether a version was recorded exactly at {@code sortKey} (a DDL replayed after a restart). */
    public boolean hasVersionAt(TableId table, String sortKey) {
        TreeMap<String, Optional<MySqlTable>> v = versions.get(table);
        return v != null && v.containsKey(sortKey);
    }

    /** Records the definition (empty: dropped) from {@code sortKey} on, durably when there is a file. */
    public void record(TableId table, String sortKey, Optional<MySqlTable> definition) {
        versions.computeIfAbsent(table, t -> new TreeMap<>()).put(sortKey, definition);
        file.ifPresent(f -> append(f, encode(table, sortKey, definition)));
    }

    private static void append(Path f, String line) {
        try {
            Files.createDirectories(f.getParent());
            Files.writeString(f, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the schema history " + f, e);
        }
    }

    private void load(Path f) {
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    String[] p = line.split("\\|", -1);
                    TableId table = TableId.of(dec(p[1]), dec(p[2]));
                    Optional<MySqlTable> def = Optional.empty();
                    if (!p[3].equals(DROPPED)) {
                        List<String> key = p[3].isEmpty() ? List.of()
                                : Arrays.stream(p[3].split(",")).map(SchemaHistory::dec).toList();
                        List<ColumnInfo> cols = new ArrayList<>();
                        for (String c : p[4].split(";")) {
                            String[] x = c.split(",", -1);
                            cols.add(new ColumnInfo(dec(x[0]), dec(x[1]), dec(x[2]), opt(x[3]), "1".equals(x[4]), opt(x[5]),
                                    Integer.parseInt(x[6]), Integer.parseInt(x[7]), "1".equals(x[8])));
                        }
                        def = Optional.of(new MySqlTable(table, cols, key));
                    }
                    versions.computeIfAbsent(table, t -> new TreeMap<>()).put(p[0], def);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the schema history " + f, e);
        }
    }

    static String encode(TableId table, String sortKey, Optional<MySqlTable> def) {
        StringBuilder sb = new StringBuilder(sortKey).append('|').append(enc(table.namespace())).append('|')
                .append(enc(table.name())).append('|');
        if (def.isEmpty()) {
            return sb.append(DROPPED).append('|').toString();
        }
        sb.append(String.join(",", def.get().primaryKey().stream().map(SchemaHistory::enc).toList())).append('|');
        List<String> cols = new ArrayList<>();
        for (ColumnInfo c : def.get().columns()) {
            cols.add(String.join(",", enc(c.name()), enc(c.dataType()), enc(c.columnType()), c.charset().map(SchemaHistory::enc).orElse("~"),
                    c.nullable() ? "1" : "0", c.defaultValue().map(SchemaHistory::enc).orElse("~"),
                    Integer.toString(c.precision()), Integer.toString(c.scale()), c.json() ? "1" : "0"));
        }
        return sb.append(String.join(";", cols)).toString();
    }

    private static Optional<String> opt(String s) {
        return s.equals("~") ? Optional.empty() : Optional.of(dec(s));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
