package dev.cdc.source.jdbc.trigger;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.source.jdbc.JdbcSourceConfig;
import dev.cdc.source.jdbc.catalog.Catalog;
import dev.cdc.source.jdbc.catalog.JdbcColumn;
import dev.cdc.source.jdbc.catalog.JdbcTable;
import dev.cdc.source.jdbc.catalog.KeyProjection;
import dev.cdc.source.jdbc.dialect.ChangeLogSql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Instant;

/**
 * Turns change-log rows into events. Each table's shape is announced (a schema change event in
 * the slot just before the row) the first time a row of it comes in this run and whenever a
 * row's image has other columns than the last announced shape, e.g. after {@code ALTER TABLE ...
 * ADD COLUMN}: the new shape is the catalog's when it matches the image, else the image's own
 * columns (a replay of rows written before the change). Commit times are the statements' times:
 * the change log knows no commit time.
 */
final class ChangeEvents {

    /** A captured table: its last announced shape, and what the catalog said at the last look. */
    private static final class State {
        JdbcTable announced;
        Row.Columns columns;
        List<String> names;
        KeyProjection key;
        JdbcTable catalog;
        /** Images in the announced shape need nothing filled: read them in column order. */
        boolean fast;
    }

    private void announce(State s, JdbcTable shape) {
        s.announced = shape;
        s.columns = Row.Columns.of(shape.columnNames());
        s.names = shape.columnNames();
        s.key = new KeyProjection(shape);
        refresh(s);
    }

    private void refresh(State s) {
        s.fast = s.announced != null && (stale == null || s.names.equals(s.catalog.columnNames()));
    }

    private final JdbcSourceConfig config;
    private final Connection connection;
    private final Map<String, State> tables = new HashMap<>();
    /** The captured tables' names and states as arrays (when few), for {@link #state}. */
    private String[] names;
    private State[] states;
    /** Where triggers list the columns (MariaDB): fills what images written by stale triggers lack. */
    private final StaleImages stale;

    ChangeEvents(JdbcSourceConfig config, Connection connection, List<JdbcTable> captured) {
        this.config = config;
        this.connection = connection;
        ChangeLogSql sql = config.dialect().changeLog().orElseThrow();
        this.stale = sql.triggersListColumns() ? new StaleImages(config.dialect(), sql) : null;
        for (JdbcTable t : captured) {
            State s = new State();
            s.catalog = t;
            tables.put(t.id().toString(), s);
        }
    }

    /**
     * Before a backfill chunk's rows, read in the table's {@code shape} now: its schema change at
     * {@code at} when this run has not announced the table in that shape.
     */
    void announceChunk(JdbcTable shape, Position at, Instant ts, List<StreamEvent> out) {
        State s = tables.get(shape.id().toString());
        if (s == null || s.announced != null && s.announced.sameShape(shape)) {
            return;
        }
        out.add(SchemaChangeEvent.of(shape.schema(), at, ts));
        s.catalog = shape;
        announce(s, shape);
    }

    /** The snapshot announced these shapes. */
    void announced(List<JdbcTable> shapes) {
        for (JdbcTable t : shapes) {
            announce(tables.get(t.id().toString()), t);
        }
    }

    /**
     * The state of a table by its name as the change log has it (a new string per row): compared
     * with the few captured names (one vectorised comparison each) rather than hashed, when they are few.
     */
    private State state(String table) {
        if (names == null) {
            names = tables.size() <= 16 ? tables.keySet().toArray(String[]::new) : new String[0];
            states = Arrays.stream(names).map(tables::get).toArray(State[]::new);
        }
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(table)) {
                return states[i];
            }
        }
        return names.length == tables.size() ? null : tables.get(table);
    }

    /** Adds the events of one change-log row (a schema change first when its shape is new). */
    void add(LogReader.Item item, LogReader reader, List<StreamEvent> out) throws SQLException {
        ChangeRow row = item.row();
        State s = state(row.table());
        if (s == null) {
            return; // a table no longer captured whose trigger is still there
        }
        if (s.fast) {
            String[] a = row.after() == null ? null : Images.inOrder(row.after(), s.names);
            String[] b = row.before() == null ? null : Images.inOrder(row.before(), s.names);
            if ((a != null || row.after() == null) && (b != null || row.before() == null) && (a != null || b != null)) {
                emit(item, s, a == null ? null : Images.row(a, s.announced, s.columns),
                        b == null ? null : Images.row(b, s.announced, s.columns), out);
                return;
            }
        }
        Map<String, String> after = row.after() == null ? null : Images.parse(row.after());
        Map<String, String> before = row.before() == null ? null : Images.parse(row.before());
        Map<String, String> image = after != null ? after : before;
        if (image == null) {
            throw new CdcException("change-log row " + row.id() + " of " + row.table() + " has no row image");
        }
        List<JdbcColumn> missing = stale == null ? List.of() : StaleImages.missing(image, s.catalog);
        if (!missing.isEmpty()) {
            Optional<Map<String, String>> now = stale.current(connection, s.catalog, image);
            after = after == null ? null : StaleImages.fill(after, missing, now);
            before = before == null ? null : StaleImages.fill(before, missing, now);
            image = after != null ? after : before;
        }
        if (s.announced == null || !Images.sameColumns(image, s.announced)) {
            JdbcTable shape = shapeOf(image, s);
            out.add(SchemaChangeEvent.of(shape.schema(), reader.schemaPosition(item.position()), row.ts()));
            announce(s, shape);
        }
        emit(item, s, after == null ? null : Images.row(after, s.announced, s.columns),
                before == null ? null : Images.row(before, s.announced, s.columns), out);
    }

    private static void emit(LogReader.Item item, State s, Row a, Row b, List<StreamEvent> out) {
        ChangeRow row = item.row();
        TableId id = s.announced.id();
        Position p = item.position();
        Row key = s.key.of(a != null ? a : b);
        Operation op = switch (row.op()) {
            case "c" -> Operation.CREATE;
            case "u" -> Operation.UPDATE;
            case "d" -> Operation.DELETE;
            default -> throw new CdcException("change-log row " + row.id() + " has operation '" + row.op() + "'");
        };
        out.add(new ChangeEvent(op, id, key, Optional.ofNullable(b), Optional.ofNullable(a), row.ts(),
                Optional.ofNullable(row.txid()), p, 0, Map.of()));
    }

    private JdbcTable shapeOf(Map<String, String> image, State s) throws SQLException {
        if (Images.sameColumns(image, s.catalog)) {
            return s.catalog; // as the catalog said at the last look: no need to ask again
        }
        JdbcTable now = new Catalog(connection, config.dialect()).read(s.catalog.id()).orElse(s.catalog);
        s.catalog = now;
        refresh(s);
        if (Images.sameColumns(image, now)) {
            return now;
        }
        List<JdbcColumn> columns = new ArrayList<>();
        for (String name : image.keySet()) {
            columns.add(now.column(name).or(() -> s.announced == null ? Optional.empty() : s.announced.column(name))
                    .orElse(new JdbcColumn(name, dev.cdc.api.schema.DataType.string(), java.sql.Types.VARCHAR, "unknown",
                            true)));
        }
        return new JdbcTable(now.id(), columns, now.primaryKey(), now.estimate());
    }

    /**
     * Where triggers list the columns: looks at the columns of the tables these rows (just read)
     * belong to, so a column added before they were written is filled in; the tables whose columns
     * changed since the last look.
     */
    List<JdbcTable> recheck(List<LogReader.Item> items) throws SQLException {
        if (stale == null || items.isEmpty()) {
            return List.of();
        }
        Map<String, State> seen = new HashMap<>();
        for (LogReader.Item item : items) {
            State s = tables.get(item.row().table());
            if (s != null) {
                seen.putIfAbsent(item.row().table(), s);
            }
        }
        List<JdbcTable> changed = new ArrayList<>();
        for (State s : seen.values()) {
            List<String> names;
            try {
                names = stale.columnsNow(connection, s.catalog.id());
            } catch (SQLException e) {
                if (new Catalog(connection, config.dialect()).read(s.catalog.id()).isEmpty()) {
                    continue; // dropped since: its last rows go out as they were written
                }
                throw e;
            }
            if (!names.equals(s.catalog.columnNames())) {
                Optional<JdbcTable> now = new Catalog(connection, config.dialect()).read(s.catalog.id());
                if (now.isPresent() && !now.get().sameShape(s.catalog)) {
                    s.catalog = now.get();
                    refresh(s);
                    changed.add(now.get());
                }
            }
        }
        return changed;
    }

    /** The captured tables whose columns changed in the catalog since the last look. */
    List<JdbcTable> changedInCatalog() throws SQLException {
        List<JdbcTable> changed = new ArrayList<>();
        Catalog catalog = new Catalog(connection, config.dialect());
        for (State s : tables.values()) {
            Optional<JdbcTable> now = catalog.read(s.catalog.id());
            if (now.isPresent() && !now.get().sameShape(s.catalog)) {
                s.catalog = now.get();
                refresh(s);
                changed.add(now.get());
            }
        }
        return changed;
    }
}
