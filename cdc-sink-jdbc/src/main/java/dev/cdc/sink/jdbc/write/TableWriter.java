package dev.cdc.sink.jdbc.write;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.NotSupportedException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.Unchanged;
import dev.cdc.sink.jdbc.dialect.Dialect;
import dev.cdc.sink.jdbc.dialect.Values;
import dev.cdc.sink.jdbc.table.TableRef;
import dev.cdc.sink.jdbc.table.TargetColumn;
import dev.cdc.sink.jdbc.table.TargetTable;
import dev.cdc.sink.jdbc.table.TombstoneTable;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the compacted changes of one table inside the sink's open transaction: tombstones
 * looked up (when the table has any) to drop older changes of deleted keys, upserts as multi-row
 * statements guarded by the sort key column (one statement shape per set of columns present, so
 * unchanged columns are left as they are), deletes guarded the same way and recorded as tombstones,
 * truncates as a delete of every older row plus a table-wide tombstone. Used from the lane thread.
 */
public final class TableWriter {

    private final Dialect dialect;
    private final Session session;
    private final Tombstones tombstones;
    private final String sortKey;
    private final int rowsPerStatement;
    private final String sink;
    /** The columns written for rows of a shape (without unchanged columns), per table and key. */
    private final Map<Shape, List<String>> shapes = new java.util.HashMap<>();
    /** Statements made, by table, columns, row count and kind. */
    private final Map<Statement, String> statements = new java.util.HashMap<>();

    private record Shape(TableRef table, List<String> key, Row.Columns columns) {
    }

    private record Statement(TableRef table, List<String> key, List<TargetColumn> columns, int rows, boolean append) {
    }

    public TableWriter(Dialect dialect, Session session, Tombstones tombstones, String sortKey, int rowsPerStatement,
                       String sink) {
        this.dialect = dialect;
        this.session = session;
        this.tombstones = tombstones;
        this.sortKey = sortKey;
        this.rowsPerStatement = rowsPerStatement;
        this.sink = sink;
    }

    /** Writes the newest change per key of one run of a table (see {@link BatchCompactor}). */
    public void write(TargetTable table, List<ChangeEvent> events, Instant now) throws SQLException {
        boolean append = table.primaryKey().equals(List.of(sortKey));
        if (table.primaryKey().isEmpty()) {
            throw keyless(table, events.get(0));
        }
        List<ChangeEvent> live = withoutTombstoned(table, events);
        Map<List<String>, List<ChangeEvent>> byShape = new LinkedHashMap<>();
        List<ChangeEvent> deletes = new ArrayList<>();
        for (ChangeEvent e : live) {
            if (e.operation() == Operation.DELETE) {
                if (append) {
                    throw appendOnly(table, e);
                }
                deletes.add(e);
            } else {
                if (append && e.operation() == Operation.UPDATE) {
                    throw appendOnly(table, e);
                }
                byShape.computeIfAbsent(shape(table, e), s -> new ArrayList<>()).add(e);
            }
        }
        for (Map.Entry<List<String>, List<ChangeEvent>> s : byShape.entrySet()) {
            upsert(table, s.getKey(), s.getValue(), append);
        }
        delete(table, deletes, now);
    }

    /** Removes every row older than the truncate and records it, so older rows replayed later stay out. */
    public void truncate(TargetTable table, ChangeEvent truncate, Instant now) throws SQLException {
        PreparedStatement ps = session.prepare(dialect.truncate(table.ref(), sortKey));
        dialect.bind(ps, 1, truncate.position().sortKey(), sortKeyColumn(table));
        ps.executeUpdate();
        tombstones.record(session, table.ref().toString(), List.<String[]>of(new String[] {TombstoneTable.WHOLE_TABLE,
                TombstoneTable.WHOLE_TABLE, truncate.position().sortKey()}), now);
    }

    private List<ChangeEvent> withoutTombstoned(TargetTable table, List<ChangeEvent> events) throws SQLException {
        String name = table.ref().toString();
        if (!tombstones.any(name)) {
            return events;
        }
        Map<String, ChangeEvent> byHash = new LinkedHashMap<>();
        List<ChangeEvent> deletes = new ArrayList<>();
        for (ChangeEvent e : events) {
            if (e.operation() == Operation.DELETE) {
                deletes.add(e);
            } else {
                byHash.put(Tombstones.hash(e.key()), e);
            }
        }
        Map<String, String> stored = tombstones.lookUp(session, name, byHash.keySet());
        String wholeTable = stored.getOrDefault(TombstoneTable.WHOLE_TABLE, "");
        List<ChangeEvent> out = new ArrayList<>(deletes);
        byHash.forEach((hash, e) -> {
            String sk = e.position().sortKey();
            if (sk.compareTo(wholeTable) > 0 && sk.compareTo(stored.getOrDefault(hash, "")) > 0) {
                out.add(e);
            }
        });
        return out;
    }

    /**
     * The columns an upsert of {@code e} writes: the key, every column whose value came, and the sort
     * key. Rows without unchanged columns share one list per row shape (no list per row).
     */
    private List<String> shape(TargetTable table, ChangeEvent e) {
        Row row = e.after().orElseThrow();
        boolean unchanged = row.hasUnchanged();
        if (!unchanged) {
            List<String> known = shapes.get(new Shape(table.ref(), table.primaryKey(), row.columnNames()));
            if (known != null) {
                return known;
            }
        }
        List<String> columns = new ArrayList<>(table.primaryKey().size() + row.size() + 1);
        for (String k : table.primaryKey()) {
            if (!k.equals(sortKey)) {
                columns.add(k);
            }
        }
        row.asMap().forEach((column, value) -> {
            if (value != Unchanged.VALUE && !columns.contains(column)) {
                columns.add(column);
            }
        });
        columns.add(sortKey);
        List<String> shape = List.copyOf(columns);
        if (!unchanged) {
            shapes.put(new Shape(table.ref(), table.primaryKey(), row.columnNames()), shape);
        }
        return shape;
    }

    /** The upsert (or insert-once) statement of a shape and row count, made once. */
    private String upsertSql(TargetTable table, List<TargetColumn> columns, int rows, boolean append) {
        return statements.computeIfAbsent(new Statement(table.ref(), table.primaryKey(), columns, rows, append), k -> append
                ? dialect.insertOnce(table.ref(), columns, sortKey, rows)
                : dialect.upsert(table.ref(), columns, table.primaryKey(), sortKey, rows));
    }

    private void upsert(TargetTable table, List<String> names, List<ChangeEvent> events, boolean append)
            throws SQLException {
        List<TargetColumn> columns = new ArrayList<>(names.size());
        for (String n : names) {
            columns.add(table.column(n).orElseThrow(() -> new CdcException("sink '" + sink + "': table " + table.ref()
                    + " has no column '" + n + "' (it has " + table.columnNames() + ")")));
        }
        int perStatement = Math.max(1, Math.min(rowsPerStatement, dialect.maxBindParameters() / columns.size()));
        for (int from = 0; from < events.size(); from += perStatement) {
            List<ChangeEvent> chunk = events.subList(from, Math.min(events.size(), from + perStatement));
            PreparedStatement ps = session.prepare(upsertSql(table, columns, chunk.size(), append));
            int p = 1;
            for (ChangeEvent e : chunk) {
                Row row = e.after().orElseThrow();
                for (TargetColumn c : columns) {
                    Object v = c.name().equals(sortKey) ? e.position().sortKey() : row.get(c.name());
                    if (v == null && !row.has(c.name())) {
                        v = e.key().get(c.name()); // a key column the row does not repeat
                    }
                    bind(ps, p++, v, c, table, e);
                }
            }
            ps.executeUpdate();
        }
    }

    private void delete(TargetTable table, List<ChangeEvent> deletes, Instant now) throws SQLException {
        if (deletes.isEmpty()) {
            return;
        }
        List<String> key = table.primaryKey();
        PreparedStatement ps = session.prepare(dialect.delete(table.ref(), key, sortKey));
        List<String[]> recorded = new ArrayList<>(deletes.size());
        for (ChangeEvent e : deletes) {
            int p = 1;
            Row values = e.key().isEmpty() ? e.before().orElseThrow() : e.key();
            for (String k : key) {
                Object v = values.has(k) ? values.get(k) : e.before().map(b -> b.get(k)).orElse(null);
                bind(ps, p++, v, table.column(k).orElseThrow(), table, e);
            }
            bind(ps, p, e.position().sortKey(), sortKeyColumn(table), table, e);
            ps.addBatch();
            recorded.add(new String[] {Tombstones.hash(e.key()), Tombstones.keyText(e.key()), e.position().sortKey()});
        }
        ps.executeBatch();
        tombstones.record(session, table.ref().toString(), recorded, now);
    }

    private void bind(PreparedStatement ps, int index, Object value, TargetColumn column, TargetTable table,
                      ChangeEvent e) throws SQLException {
        try {
            Values.checkFits(value, column);
            dialect.bind(ps, index, value, column);
        } catch (IllegalArgumentException bad) {
            throw new CdcException("sink '" + sink + "': cannot write column '" + column.name() + "' of " + table.ref()
                    + " for the " + e.operation() + " of key " + e.key() + " at " + e.position().sortKey() + ": "
                    + bad.getMessage() + ". Fix: map the column to a type that holds the value (sink option"
                    + " column-types), or drop the column with the drop-columns transform");
        }
    }

    private TargetColumn sortKeyColumn(TargetTable table) {
        return table.column(sortKey).orElseThrow();
    }

    private CdcException keyless(TargetTable table, ChangeEvent e) {
        return new NotSupportedException("sink", sink, "rows of " + e.table() + " (target table " + table.ref()
                + "), which has no primary key, under keyless-tables: fail. Fix: give the source table a primary key"
                + " (or, for PostgreSQL, REPLICA IDENTITY on a unique index), or set keyless-tables: append to insert"
                + " each row once, or leave the table out with the table filter");
    }

    private CdcException appendOnly(TargetTable table, ChangeEvent e) {
        return new NotSupportedException("sink", sink, e.operation() + " of a row of " + e.table() + " (target table "
                + table.ref() + "), which has no primary key: under keyless-tables: append only inserts and snapshot"
                + " rows are written, as the sink cannot tell which row an update or delete means. Fix: give the"
                + " table a primary key, or drop updates and deletes of it with the operation filter");
    }
}
