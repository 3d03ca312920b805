package dev.cdc.source.jdbc.query;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TypeKind;
import dev.cdc.jdbc.snapshot.ChunkReader;
import dev.cdc.jdbc.snapshot.KeyRange;
import dev.cdc.jdbc.snapshot.KeysetTable;
import dev.cdc.jdbc.snapshot.ReadRow;
import dev.cdc.source.jdbc.JdbcSourceConfig;
import dev.cdc.source.jdbc.catalog.JdbcColumn;
import dev.cdc.source.jdbc.catalog.JdbcTable;
import dev.cdc.source.jdbc.catalog.JdbcTypes;
import dev.cdc.source.jdbc.catalog.KeyProjection;
import dev.cdc.source.jdbc.dialect.Dialect;
import dev.cdc.source.jdbc.snapshot.JdbcKeyset;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.HashMap;

/**
 * One polled table of {@code jdbc-query}: its cursor ({@code (cursor column, key)} of the last
 * delivered row), how it is read in that order, and how a row becomes an event.
 *
 * <p>Sort keys are 16 hex digits of {@code (cursor << 10) | slot}, the cursor being the
 * timestamp in microseconds since the epoch (or the version), the slot {@code 2r + 1} for the
 * r-th row of one cursor value (a schema change takes the even slot before), at most 1023; every
 * snapshot row has slot 0 of the start cursor ({@link QuerySource#snapshotSortKey}). They
 * grow along each table's rows, and along each key's changes: a key's next version has a later
 * timestamp. Offsets per table i: {@code c.<i>} (the cursor column's text), {@code c.<i>.key.<j>},
 * {@code c.<i>.v} (the cursor as a number) and {@code c.<i>.s} (the next slot).
 */
final class QueryTable {

    /** Offset numbering the events of one run, so a commit tells which of them are delivered (the key scan's). */
    static final String EMISSION = "e";

    private final int index;
    private final JdbcTable table;
    private final JdbcColumn cursorColumn;
    private final Optional<JdbcColumn> created;
    private final Optional<JdbcColumn> softDelete;
    private final Dialect dialect;
    private final boolean timestamps;
    private final Row.Columns columns;
    /** The cursor: the cursor column's text, then the key's, of the last delivered row; empty before the first. */
    private String[] cursor;
    private long value;
    private long slot;
    /** The offset names of this table, built once: {@code c.<i>}, {@code c.<i>.v}, {@code c.<i>.s}, {@code c.<i>.key.<j>}. */
    private final String cursorName;
    private final String valueName;
    private final String slotName;
    private final String[] keyNames;
    /** The names of what one event's position changes: the cursor and key, then maybe the value and the slot. */
    private final String[] cursorOnly;
    private final String[] withValue;
    private final String[] withSlot;
    private final String[] withValueAndSlot;
    private KeysetTable polled;
    /** The page statement of the last bound and limit, and its parameters' key indexes. */
    private String pageSql;
    private String pageWhere;
    private int pageLimit;
    private int[] pageParameters;
    /** The position of the previous event of the current page: the next one changes only what differs. */
    private Position last;
    private Map<String, String> lastBase;
    private long lastValue;
    private long lastSlot;

    QueryTable(int index, JdbcTable table, JdbcSourceConfig config) {
        this.index = index;
        this.table = table;
        this.dialect = config.dialect();
        this.timestamps = config.timestampColumn().isPresent();
        String name = config.timestampColumn().or(config::versionColumn).orElseThrow();
        this.cursorColumn = table.column(name).orElseThrow(() -> new CdcException("table " + table.id() + " has no"
                + " column '" + name + "' (" + (timestamps ? "timestamp-column" : "version-column") + "), which jdbc-query"
                + " polls; add it (e.g. ALTER TABLE " + dialect.qualified(table.id()) + " ADD COLUMN " + name
                + (timestamps ? " TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP" : " BIGINT") + ", set on every insert"
                + " and update) or leave the table out of 'tables'"));
        TypeKind k = cursorColumn.type().kind();
        boolean ok = timestamps ? k == TypeKind.TIMESTAMP || k == TypeKind.TIMESTAMP_TZ
                : k == TypeKind.INT16 || k == TypeKind.INT32 || k == TypeKind.INT64 || k == TypeKind.DECIMAL;
        if (!ok) {
            throw new CdcException("column " + table.id() + "." + name + " is " + cursorColumn.typeName() + ", but "
                    + (timestamps ? "timestamp-column must be a timestamp" : "version-column must be an integer"));
        }
        this.created = config.createdColumn().map(c -> column(c, "created-column"));
        this.softDelete = config.softDeleteColumn().map(c -> column(c, "soft-delete-column"));
        this.columns = Row.Columns.of(table.columnNames());
        this.cursor = new String[0];
        this.cursorName = "c." + index;
        this.valueName = cursorName + ".v";
        this.slotName = cursorName + ".s";
        this.keyNames = new String[table.primaryKey().size()];
        for (int j = 0; j < keyNames.length; j++) {
            keyNames[j] = cursorName + ".key." + j;
        }
        this.cursorOnly = new String[1 + keyNames.length];
        cursorOnly[0] = cursorName;
        System.arraycopy(keyNames, 0, cursorOnly, 1, keyNames.length);
        this.withValue = with(cursorOnly, valueName);
        this.withSlot = with(cursorOnly, slotName);
        this.withValueAndSlot = with(withValue, slotName);
    }

    private static String[] with(String[] names, String name) {
        String[] out = Arrays.copyOf(names, names.length + 1);
        out[names.length] = name;
        return out;
    }

    private JdbcColumn column(String name, String option) {
        return table.column(name).orElseThrow(() -> new CdcException("table " + table.id() + " has no column '" + name
                + "' (" + option + "); add it or remove the option"));
    }

    JdbcTable table() {
        return table;
    }

    int index() {
        return index;
    }

    /** Starts after this cursor value (a number: micros or version) with no key: every row with a greater one. */
    void startAfter(long cursorValue, String cursorText) {
        value = cursorValue;
        slot = 2;
        cursor = new String[] {cursorText};
    }

    /** Where a checkpoint left the table. */
    void resume(Map<String, String> o) {
        String p = "c." + index;
        if (!o.containsKey(p)) {
            return;
        }
        List<String> c = new ArrayList<>(List.of(o.get(p)));
        for (int j = 0; o.containsKey(p + ".key." + j); j++) {
            c.add(o.get(p + ".key." + j));
        }
        cursor = c.toArray(String[]::new);
        value = Long.parseLong(o.get(p + ".v"));
        slot = Long.parseLong(o.get(p + ".s"));
    }

    void writeTo(Map<String, String> o) {
        o.put(cursorName + ".table", table.id().toString());
        if (cursor.length > 0) {
            o.put(cursorName, cursor[0]);
            for (int j = 1; j < cursor.length; j++) {
                o.put(keyNames[j - 1], cursor[j]);
            }
            o.put(valueName, Long.toString(value));
            o.put(slotName, Long.toString(slot));
        }
    }

    String[] cursor() {
        return cursor.clone();
    }

    /**
     * Reads the next page past the cursor ({@code where} bounding it) into {@code out}; returns how
     * many rows. Once the cursor has its key, the statement's text is built once for a given
     * bound, not per page.
     */
    int readPage(Connection connection, String where, int limit, ChunkReader.RowSink out)
            throws SQLException, InterruptedException {
        KeysetTable t = polled();
        int keys = t.keyColumns().size();
        if (cursor.length != keys) {
            return ChunkReader.read(connection, t, KeyRange.after(cursor), Optional.of(where), limit, out);
        }
        if (!where.equals(pageWhere) || limit != pageLimit) {
            pageSql = ChunkReader.sql(t, true, false, Optional.of(where), limit);
            pageWhere = where;
            pageLimit = limit;
            // ChunkReader's parameter order: each key column once, or the expanded (a > ? OR (a = ? AND b > ?))
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < keys; i++) {
                for (int j = t.syntax().rowValues() || keys == 1 ? i : 0; j <= i; j++) {
                    order.add(j);
                }
            }
            pageParameters = order.stream().mapToInt(Integer::intValue).toArray();
        }
        String[] after = cursor;
        int n = 0;
        try (PreparedStatement st = connection.prepareStatement(pageSql)) {
            for (int p = 0; p < pageParameters.length; p++) {
                t.binder().bind(st, p + 1, pageParameters[p], after[pageParameters[p]]);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.accept(t.rows().read(rs));
                    n++;
                }
            }
        }
        return n;
    }

    /** The table read in (cursor column, key) order: the cursor column first, then the key. */
    KeysetTable polled() {
        if (polled == null) {
            polled = readInCursorOrder();
        }
        return polled;
    }

    private KeysetTable readInCursorOrder() {
        KeysetTable plain = JdbcKeyset.of(table, dialect);
        List<JdbcColumn> order = new ArrayList<>();
        order.add(cursorColumn);
        table.primaryKey().forEach(k -> order.add(table.column(k).orElseThrow()));
        List<JdbcColumn> all = table.columns();
        DataType[] types = all.stream().map(JdbcColumn::type).toArray(DataType[]::new);
        int[] at = order.stream().mapToInt(all::indexOf).toArray(); // cursor column, then the key
        KeyProjection key = new KeyProjection(table);
        boolean integer = !timestamps;
        // one pass per row: the values, the key, and the keyset texts (cursor, then key) from the values read
        KeysetTable.RowReader rows = rs -> {
            Object[] values = new Object[types.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = JdbcTypes.read(rs, i + 1, types[i]);
            }
            String[] keys = new String[at.length];
            Object c = values[at[0]];
            String text = !integer ? c instanceof LocalDateTime t ? JdbcTypes.timestampText(t) : null
                    : c instanceof Number n && !(c instanceof BigDecimal) ? n.toString() : null;
            keys[0] = text != null ? text : JdbcKeyset.keyText(rs, at[0] + 1, cursorColumn);
            for (int k = 1; k < at.length; k++) {
                keys[k] = JdbcKeyset.keyText(values[at[k]], rs, at[k] + 1, order.get(k));
            }
            return new ReadRow(key.of(values), Row.of(columns, values), keys);
        };
        return new KeysetTable(table.id(), plain.from(), plain.selectList(),
                order.stream().map(c -> dialect.quote(c.name())).toList(), order.stream().map(dialect::keyParameter)
                .toList(), dialect.syntax(), rows, KeysetTable.KeyBinder.TEXT);
    }

    /**
     * The snapshot's rows: those not soft-deleted whose cursor column is at most the start (the
     * rows past it are polled), so no row is both read by the snapshot and polled.
     */
    Optional<String> snapshotRows(String start) {
        String upTo = start == null ? null : dialect.quote(cursorColumn.name()) + " <= " + literal(start);
        Optional<String> live = softDelete.map(c -> "(" + dialect.quote(c.name()) + " IS NULL OR "
                + dialect.quote(c.name()) + " = " + (c.type().kind() == TypeKind.BOOLEAN ? "FALSE" : "0") + ")");
        return upTo == null ? live : Optional.of(live.map(l -> l + " AND ").orElse("") + upTo);
    }

    /** The cursor column's value (as the database wrote it) as an SQL literal. */
    private String literal(String text) {
        if (!timestamps) {
            return Long.toString(Long.parseLong(text.trim()));
        }
        String quoted = "'" + text.replace("'", "''") + "'";
        return cursorColumn.type().kind() == TypeKind.TIMESTAMP_TZ ? "TIMESTAMP WITH TIME ZONE " + quoted
                : "TIMESTAMP " + quoted;
    }

    /**
     * What a poll adds while the cursor is only the start (no row polled yet, so no key to page
     * after): the rows past the start, the complement of {@link #snapshotRows}'s bound.
     */
    Optional<String> pastStart() {
        return cursor.length == 1 ? Optional.of(dialect.quote(cursorColumn.name()) + " > " + literal(cursor[0]))
                : Optional.empty();
    }

    /** Rows up to the bound (the cursor column at most {@code bound}, a literal of its type). */
    String upTo(String boundLiteral) {
        return dialect.quote(cursorColumn.name()) + " <= " + boundLiteral;
    }

    /** The number a cursor column value sorts by: microseconds since the epoch, or the version. */
    long cursorValue(Object v) {
        if (v instanceof LocalDateTime t) { // as epochMicros, without an Instant per row
            return Math.addExact(Math.multiplyExact(t.toEpochSecond(ZoneOffset.UTC), 1_000_000L), t.getNano() / 1000);
        }
        return timestamps ? JdbcTypes.epochMicros(v) : ((Number) v).longValue();
    }

    /** The event of a polled row, which becomes the cursor. */
    ChangeEvent event(ReadRow r, Map<String, String> others, long emission) {
        Row row = r.row();
        long v = cursorValue(row.get(cursorColumn.name()));
        slot = v == value ? slot | 1 : 1;
        value = v;
        cursor = r.keys();
        Position p = position(others, slot, emission);
        slot++;
        Instant ts = timestamps ? Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1000)
                : Instant.now();
        if (softDelete.isPresent() && isTrue(row.get(softDelete.get().name()))) {
            return new ChangeEvent(Operation.DELETE, table.id(), r.key(), Optional.of(row), Optional.empty(), ts,
                    Optional.empty(), p, 0, Map.of());
        }
        boolean insert = created.isPresent() && java.util.Objects.equals(row.get(created.get().name()),
                row.get(cursorColumn.name()));
        return new ChangeEvent(insert ? Operation.CREATE : Operation.UPDATE, table.id(), r.key(), Optional.empty(),
                Optional.of(row), ts, Optional.empty(), p, 0, Map.of());
    }

    /** A position in the even slot before the next row (a schema change, a delete found by the key scan). */
    Position between(Map<String, String> others, long emission) {
        slot = slot + (slot % 2);
        Position p = position(others, slot, emission);
        slot++;
        return p;
    }

    private Position position(Map<String, String> others, long s, long emission) {
        String sortKey = sortKey((value << 10) | Math.min(s, 1023));
        Position base = others instanceof Base b ? b.position : null;
        if (base == null) {
            Map<String, String> o = new HashMap<>(others);
            writeTo(o);
            o.put(EMISSION, Long.toString(emission));
            last = null;
            return Position.of(o, sortKey);
        }
        // a page's events: the page's offsets (with its emission, a lower bound that commits the
        // key scan's events before it) and this table's cursor, each offset replaced only when it changed
        boolean follows = last != null && lastBase == others;
        boolean valueChanged = !follows || value != lastValue;
        boolean slotChanged = !follows || slot != lastSlot;
        // one copy of the offsets per event: the cursor and key, the value and the slot when they changed
        String[] names = cursor.length != cursorOnly.length ? null
                : valueChanged ? slotChanged ? withValueAndSlot : withValue : slotChanged ? withSlot : cursorOnly;
        Position out;
        if (names != null) {
            String[] values = new String[names.length];
            System.arraycopy(cursor, 0, values, 0, cursor.length);
            int n = cursor.length;
            if (valueChanged) {
                values[n++] = Long.toString(value);
            }
            if (slotChanged) {
                values[n] = slotText();
            }
            out = (follows ? last : base).withOffsets(names, values, sortKey);
        } else { // a cursor without a key yet (the start): only what it has
            out = (follows ? last : base).withOffset(cursorName, cursor[0], sortKey)
                    .withOffset(valueName, Long.toString(value), sortKey).withOffset(slotName, slotText(), sortKey);
        }
        last = out;
        lastBase = others;
        lastValue = value;
        lastSlot = slot;
        return out;
    }

    private String slotText() {
        return slot < SLOTS.length ? SLOTS[(int) slot] : Long.toString(slot);
    }

    private static final String[] SLOTS = java.util.stream.IntStream.range(0, 64).mapToObj(Integer::toString)
            .toArray(String[]::new);

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** {@link Position#sortKeyOf} without its intermediate strings. */
    static String sortKey(long v) {
        if (v >>> 60 != 0) {
            return Long.toHexString(v); // 16 digits already (any timestamp cursor since 1970): one string, no copy
        }
        char[] c = new char[16];
        for (int i = 15; i >= 0; i--) {
            c[i] = HEX[(int) (v & 15)];
            v >>>= 4;
        }
        return new String(c);
    }

    /** The offsets of every table once per page, so each event's position only replaces this table's cursor. */
    static final class Base extends java.util.AbstractMap<String, String> {
        private final Position position;

        Base(Map<String, String> offsets) {
            this.position = Position.of(offsets, "");
        }

        @Override
        public java.util.Set<Entry<String, String>> entrySet() {
            return position.offsets().entrySet();
        }
    }

    private static boolean isTrue(Object v) {
        return v instanceof Boolean b ? b : v instanceof Number n && n.longValue() != 0;
    }

    /**
     * Where a backfill chunk's rows at or below the poll cursor go: the even slot after the last
     * polled row's, at the cursor's value (as a key scan's delete), taken once per chunk: above
     * every version the poller (or the snapshot, whose rows are at slot 0 of the start) has emitted,
     * below every row polled later and every later version of any of them.
     */
    long backfillSlot() {
        slot = slot + (slot % 2);
        long at = (value << 10) | Math.min(slot, 1023);
        slot++;
        return at;
    }

    /**
     * A backfilled row (a READ of the row as a chunk read it). At or below the poll cursor's value,
     * the row cannot have changed since without a newer version, which will be polled past the
     * cursor: it goes at {@code atCursor} ({@link #backfillSlot}), above whatever copy of it a sink
     * holds, so a backfill repairs it. Past the cursor (not polled yet), at its own version's value,
     * slot 0: below the polled event of the same version (the same row) and every later version. A
     * soft-deleted row is a DELETE there. {@code others}: every table's cursor (where a checkpoint
     * resumes polling).
     */
    ChangeEvent backfilled(ChangeEvent read, long atCursor, Map<String, String> others, long emission) {
        Row row = read.after().orElseThrow();
        Object c = row.get(cursorColumn.name());
        long v = c == null ? 0 : cursorValue(c);
        Position p = at(others, emission, v > value ? v << 10 : atCursor);
        if (softDelete.isPresent() && isTrue(row.get(softDelete.get().name()))) {
            return new ChangeEvent(Operation.DELETE, table.id(), read.key(), Optional.of(row), Optional.empty(),
                    read.commitTime(), Optional.empty(), p, 0, read.headers());
        }
        return read.withPosition(p);
    }

    /**
     * The DELETE of a listed key the table does not hold, at the highest slot of the poll bound's
     * cursor value ({@code bound}): above every version at or below the bound (committed, by the
     * safety window's assumption, and so older than the delete), below any later one (a re-insert
     * the read could not see yet).
     */
    ChangeEvent backfilledDelete(ChangeEvent delete, long bound, Map<String, String> others, long emission) {
        return delete.withPosition(at(others, emission, (bound << 10) | 1023));
    }

    private static Position at(Map<String, String> others, long emission, long sortValue) {
        Map<String, String> o = new HashMap<>(others);
        o.put(EMISSION, Long.toString(emission));
        return Position.of(o, sortKey(Math.max(0, sortValue)));
    }

    /** The key columns, for the key scan. */
    String keyList() {
        return table.primaryKey().stream().map(dialect::quote).collect(Collectors.joining(", "));
    }
}
