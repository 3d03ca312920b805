package dev.cdc.source.mysql.binlog;

import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.source.mysql.MySqlSourceConfig;
import dev.cdc.source.mysql.schema.ColumnRenames;
import dev.cdc.source.mysql.schema.MySqlTable;
import dev.cdc.source.mysql.schema.SchemaHistory;
import dev.cdc.source.mysql.schema.DdlStatements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns binlog events into stream events: rows of captured tables into change events (each
 * with its transaction's position and its index in the transaction), DDL statements into
 * schema change events (or a truncate), with transaction boundaries and commit times.
 *
 * <p>Rows are held until their transaction commits (XID / COMMIT), then handed over with the
 * commit's timestamp; a transaction bigger than {@code max-batch} is handed over in parts.
 * Events at or before the resume position are decoded (to keep the schema current) but not
 * emitted. Used from the source thread only.
 */
public final class BinlogReader {

    private static final Logger LOG = LoggerFactory.getLogger(BinlogReader.class);

    /** Looks up a table's definition on the server now. */
    public interface TableLookup {
        Optional<MySqlTable> read(TableId table) throws Exception;
    }

    private final MySqlSourceConfig config;
    private final SchemaHistory history;
    private final TableLookup lookup;
    private final Map<Long, TableMapEventData> tableMaps = new HashMap<>();
    private final Map<Long, RowDecoder> decoders = new HashMap<>();
    private final ShapeTracker shapes;
    private final List<Function<Instant, StreamEvent>> pending = new ArrayList<>();
    /** The header of the event being handled. */
    private EventHeaderV4 header;
    /** The rows event being read, its rows' shared position, and the index of its next row. */
    private EventHeaderV4 rowsEventHeader;
    private Position rowsEventPosition;
    private Position rowsEventTx;
    private long rowInEvent;
    private final BinlogPosition skipThrough;
    private final long skipFileNumber;
    /** Connected by GTID position: the skip target is found by its transaction's GTID, not by file and offset. */
    private final boolean skipByGtid;
    /** MariaDB's GTID position as read so far (domain to its last GTID), when started from one. */
    private final java.util.TreeMap<Long, String> gtidDomains = new java.util.TreeMap<>();
    private final boolean trackGtids;
    private boolean skipTx;

    private String file;
    private BinlogPosition tx;
    private Position txPosition;
    private Optional<String> txId = Optional.empty();
    private long fileNumber;
    private long txFileNumber;
    private boolean inTransaction;
    private long rowIndex;
    /** Whether row 0 of the transaction holds an event (a DDL, or a table's new shape before any row). */
    private boolean rowZeroUsed;
    private long lastEventMillis;
    private BinlogPosition committed;

    /**
     * @param start       where reading starts (a transaction's first event)
     * @param skipThrough events at or before this position were delivered already: not emitted
     */
    public BinlogReader(MySqlSourceConfig config, SchemaHistory history, TableLookup lookup, BinlogPosition start,
                        Optional<BinlogPosition> skipThrough) {
        this.config = config;
        this.history = history;
        this.lookup = lookup;
        this.shapes = new ShapeTracker(lookup);
        this.file = start.file();
        this.fileNumber = BinlogPosition.fileNumber(file);
        this.committed = start;
        this.skipThrough = skipThrough.orElse(null);
        this.skipFileNumber = this.skipThrough == null ? 0 : BinlogPosition.fileNumber(this.skipThrough.file());
        this.trackGtids = start.gtidSet().isPresent();
        start.gtidSet().ifPresent(set -> {
            for (String g : set.split(",")) {
                String t = g.trim();
                if (!t.isEmpty()) {
                    gtidDomains.put(Long.parseLong(t.substring(0, t.indexOf('-'))), t);
                }
            }
        });
        this.skipByGtid = trackGtids && this.skipThrough != null && this.skipThrough.gtid().isPresent();
    }

    /** The GTID position as read so far, when tracked. */
    private Optional<String> gtidPosition() {
        if (!trackGtids) {
            return Optional.empty();
        }
        return Optional.of(gtidDomains.size() == 1 ? gtidDomains.firstEntry().getValue()
                : String.join(",", gtidDomains.values()));
    }

    /** The transaction being read (its start, GTID and the GTID position before it); null before the first. */
    public BinlogPosition transaction() {
        return tx;
    }

    /** Where to reconnect so that nothing is lost: the start of the first transaction not yet fully handed over. */
    public BinlogPosition resumePoint() {
        return committed;
    }

    /** Handles one event; returns what is ready to hand over (possibly nothing). */
    public List<StreamEvent> handle(Event event) throws Exception {
        EventHeaderV4 h = event.getHeader();
        header = h;
        EventType type = h.getEventType();
        if (h.getTimestamp() > 0) {
            lastEventMillis = h.getTimestamp();
        }
        switch (type) {
            case ROTATE -> {
                RotateEventData r = event.getData();
                file = r.getBinlogFilename();
                fileNumber = BinlogPosition.fileNumber(file);
                if (!inTransaction) {
                    committed = BinlogPosition.of(file, r.getBinlogPosition()).withGtidSet(committed.gtidSet());
                }
                return List.of();
            }
            case MARIADB_GTID -> {
                MariadbGtidEventData g = event.getData();
                String gtid = g.getDomainId() + "-" + g.getServerId() + "-" + g.getSequence();
                begin(h, Optional.of(gtid));
                if (trackGtids) {
                    gtidDomains.put(g.getDomainId(), gtid);
                }
                return List.of();
            }
            case GTID -> {
                GtidEventData g = event.getData();
                begin(h, Optional.of(g.getMySqlGtid().toString()));
                return List.of();
            }
            case TABLE_MAP -> {
                TableMapEventData t = event.getData();
                TableMapEventData old = tableMaps.put(t.getTableId(), t);
                if (old == null || !RowDecoder.sameShape(old, t)) {
                    decoders.remove(t.getTableId());
                }
                return tableShape(t);
            }
            case WRITE_ROWS, EXT_WRITE_ROWS -> {
                rowsEvent(h);
                WriteRowsEventData d = event.getData();
                for (Serializable[] r : d.getRows()) {
                    row(d.getTableId(), Operation.CREATE, null, r);
                }
                return flushIfLarge();
            }
            case UPDATE_ROWS, EXT_UPDATE_ROWS -> {
                rowsEvent(h);
                UpdateRowsEventData d = event.getData();
                for (Map.Entry<Serializable[], Serializable[]> r : d.getRows()) {
                    row(d.getTableId(), Operation.UPDATE, r.getKey(), r.getValue());
                }
                return flushIfLarge();
            }
            case DELETE_ROWS, EXT_DELETE_ROWS -> {
                rowsEvent(h);
                DeleteRowsEventData d = event.getData();
                for (Serializable[] r : d.getRows()) {
                    row(d.getTableId(), Operation.DELETE, r, null);
                }
                return flushIfLarge();
            }
            case XID -> {
                return commit(h);
            }
            case QUERY -> {
                return query(h, event.getData());
            }
            default -> {
                return List.of();
            }
        }
    }

    private void begin(EventHeaderV4 h, Optional<String> gtid) {
        startTransaction(new BinlogPosition(file, h.getPosition(), 0, gtid, gtidPosition()));
        inTransaction = true;
        rowIndex = 0;
        rowZeroUsed = false;
    }

    private List<StreamEvent> query(EventHeaderV4 h, QueryEventData q) throws Exception {
        String sql = q.getSql().trim();
        if (sql.equalsIgnoreCase("BEGIN")) {
            if (!inTransaction) {
                begin(h, Optional.empty());
            }
            return List.of();
        }
        if (sql.equalsIgnoreCase("COMMIT")) {
            return commit(h);
        }
        if (!inTransaction) {
            begin(h, Optional.empty());
        }
        BinlogPosition at = tx.withRow(0);
        String db = q.getDatabase() == null ? "" : q.getDatabase();
        List<StreamEvent> out = new ArrayList<>(flushPending(Instant.ofEpochMilli(lastEventMillis)));
        for (DdlStatements.Affected a : DdlStatements.parse(sql, db)) {
            if (!config.captures(a.table().namespace(), a.table().name())) {
                continue;
            }
            out.addAll(schemaChange(a, sql, at, Instant.ofEpochMilli(h.getTimestamp())));
        }
        if (!DdlStatements.isTransactional(sql)) {
            // DDL commits implicitly: the statement is its own transaction
            end(h);
        }
        return out;
    }

    /**
     * A captured table's map: when it shows a shape other than the history's version in effect, the
     * new version is recorded and announced before the rows that need it, at row 0 of the transaction
     * when nothing is there yet, else at the next row index (the rows after it move up by one). Both
     * depend only on the binlog, so a replay puts it at the same position.
     */
    private List<StreamEvent> tableShape(TableMapEventData map) throws Exception {
        shapes.seen(map);
        TableId table = TableId.of(map.getDatabase(), map.getTable());
        if (!config.captures(map.getDatabase(), map.getTable()) || !shapes.needsCheck(table, map)) {
            return List.of();
        }
        if (!inTransaction) {
            startTransaction(new BinlogPosition(file, committed.offset(), 0, Optional.empty(), committed.gtidSet()));
            inTransaction = true;
            rowIndex = 0;
            rowZeroUsed = false;
        }
        long slot = rowIndex == 0 && !rowZeroUsed ? 0 : rowIndex + 1;
        BinlogPosition at = tx.withRow(slot);
        String key = at.sortKey();
        Optional<MySqlTable> inEffect = history.before(table, key);
        Optional<MySqlTable> after;
        if (history.hasVersionAt(table, key)) {
            after = history.at(table, key); // replayed after a restart: the version recorded back then
        } else {
            after = shapes.changed(table, map, inEffect, at.toString());
            if (after.isEmpty()) {
                return List.of();
            }
            history.record(table, key, after);
        }
        List<String> statements = shapes.takeDdl(table);
        Optional<String> ddl = statements.isEmpty() ? Optional.empty() : Optional.of(String.join(";\n", statements));
        decoders.remove(map.getTableId());
        if (slot == 0) {
            rowZeroUsed = true;
        } else {
            rowIndex = slot;
        }
        if (after.isPresent() && emits(slot)) {
            TableSchema schema = after.get().toSchema(config.tinyint1AsBoolean());
            Optional<TableSchema> b = inEffect.map(t -> t.toSchema(config.tinyint1AsBoolean()));
            List<dev.cdc.api.schema.SchemaChange> changes = b.isEmpty()
                    ? List.of(new dev.cdc.api.schema.SchemaChange.CreateTable(schema))
                    : ColumnRenames.changes(b.get(), schema, statements);
            Position p = withServerId(at.toPosition(txFileNumber));
            pending.add(time -> new SchemaChangeEvent(table, b, Optional.of(schema), changes, ddl, p, time));
        }
        return List.of();
    }

    private List<StreamEvent> schemaChange(DdlStatements.Affected a, String sql, BinlogPosition at, Instant time)
            throws Exception {
        String key = at.sortKey();
        TableId table = a.table();
        rowZeroUsed = true;
        shapes.forget(table);
        Optional<MySqlTable> before = history.before(table, key);
        Optional<MySqlTable> after;
        if (history.hasVersionAt(table, key)) {
            after = history.at(table, key); // replayed after a restart: the definition recorded back then
        } else if (a.kind() == DdlStatements.Kind.TRUNCATE) {
            after = before; // the shape is unchanged
        } else if (a.kind() == DdlStatements.Kind.RENAME && DdlStatements.isRenameOnly(sql)
                && a.renamedFrom().flatMap(f -> history.before(f, key)).isPresent()) {
            // RENAME TABLE moves the old name's version as it is: provable from the history
            after = a.renamedFrom().flatMap(f -> history.before(f, key)).map(t -> new MySqlTable(table, t.columns(),
                    t.primaryKey()));
            history.record(table, key, after);
        } else if (a.kind() != DdlStatements.Kind.DROP && shapes.fullMetadata()) {
            // the server's definition now may hold later DDLs: the table's next map decides (see ShapeTracker)
            shapes.defer(table, sql, lookup.read(table));
            decoders.clear();
            return List.of();
        } else {
            after = a.kind() == DdlStatements.Kind.DROP ? Optional.empty() : lookup.read(table);
            history.record(table, key, after);
            if (a.renamedFrom().isPresent() && !history.hasVersionAt(a.renamedFrom().get(), key)) {
                history.record(a.renamedFrom().get(), key, Optional.empty());
            }
        }
        decoders.clear();
        if (!emits(at.row())) {
            return List.of();
        }
        List<StreamEvent> out = new ArrayList<>();
        if (a.kind() == DdlStatements.Kind.TRUNCATE) {
            out.add(ChangeEvent.truncate(table, time, at.toPosition()).withTransactionId(txId.orElseThrow()));
            return out;
        }
        Optional<TableSchema> b = before.map(t -> t.toSchema(config.tinyint1AsBoolean()));
        Optional<TableSchema> aft = after.map(t -> t.toSchema(config.tinyint1AsBoolean()));
        List<dev.cdc.api.schema.SchemaChange> changes = new ArrayList<>();
        if (a.kind() == DdlStatements.Kind.DROP) {
            changes.add(new dev.cdc.api.schema.SchemaChange.DropTable(table));
        } else if (a.kind() == DdlStatements.Kind.RENAME && a.renamedFrom().isPresent()) {
            changes.add(new dev.cdc.api.schema.SchemaChange.RenameTable(a.renamedFrom().get(), table));
        } else if (b.isEmpty() && aft.isPresent()) {
            changes.add(new dev.cdc.api.schema.SchemaChange.CreateTable(aft.get()));
        }
        out.add(new SchemaChangeEvent(table, b, aft, changes, Optional.of(sql), withServerId(at.toPosition()), time));
        return out;
    }

    private void startTransaction(BinlogPosition start) {
        tx = start;
        txId = Optional.of(txId(start));
        txFileNumber = fileNumber; // start is always in the current file
        skipTx = skipByGtid && start.gtid().equals(skipThrough.gtid());
        txPosition = start.toPosition(txFileNumber);
    }

    private void row(long tableId, Operation op, Serializable[] before, Serializable[] after) throws Exception {
        rowIndex++;
        RowDecoder decoder = decoders.get(tableId);
        TableMapEventData map = null;
        if (decoder == null) {
            map = tableMaps.get(tableId);
            if (map == null || !config.captures(map.getDatabase(), map.getTable())) {
                return;
            }
        }
        if (!inTransaction) {
            startTransaction(new BinlogPosition(file, committed.offset(), 0, Optional.empty(), committed.gtidSet()));
            inTransaction = true;
        }
        if (!emits(rowIndex)) {
            return;
        }
        if (decoder == null) {
            decoder = decoder(map, tx.withRow(rowIndex));
            decoders.put(tableId, decoder);
        }
        Object[] bv = before == null ? null : decoder.values(before);
        Object[] av = after == null ? null : decoder.values(after);
        Optional<Row> b = bv == null ? Optional.empty() : Optional.of(decoder.row(bv));
        Optional<Row> a = av == null ? Optional.empty() : Optional.of(decoder.row(av));
        Row key = decoder.key(av != null ? av : bv);
        TableId table = decoder.table;
        Optional<String> id = txId;
        Position inEvent = eventPosition();
        Position position = tx.rowPosition(inEvent.withOffset(BinlogPosition.EVENT_ROW, rowNumber(rowInEvent),
                inEvent.sortKey()), txFileNumber, rowIndex);
        rowInEvent++;
        pending.add(time -> new ChangeEvent(op, table, key, b, a, time, id, position, 0, Map.of()));
    }

    /** A rows event starts: where it is and which server wrote it describe its rows (event_pos, server_id). */
    private void rowsEvent(EventHeaderV4 h) {
        rowsEventHeader = h;
        rowsEventPosition = null;
        rowInEvent = 0;
    }

    /**
     * The transaction's position with the current rows event's place and server ({@code event_pos},
     * {@code event_row}, {@code server_id}: the debezium format's {@code pos}, {@code row} and
     * {@code server_id}), made once per rows event; its rows replace only {@code row} and
     * {@code event_row}, sharing the rest.
     */
    private Position eventPosition() {
        if (rowsEventPosition == null || rowsEventTx != txPosition) {
            EventHeaderV4 h = rowsEventHeader;
            rowsEventTx = txPosition;
            rowsEventPosition = h == null ? txPosition : txPosition
                    .withOffset(BinlogPosition.EVENT_POS, Long.toString(h.getPosition()), txPosition.sortKey())
                    .withOffset(BinlogPosition.SERVER_ID, Long.toString(h.getServerId()), txPosition.sortKey())
                    .withOffset(BinlogPosition.EVENT_ROW, "0", txPosition.sortKey());
        }
        return rowsEventPosition;
    }

    /** A position with the server id of the event being handled ({@code server_id}). */
    private Position withServerId(Position p) {
        return header == null ? p
                : p.withOffset(BinlogPosition.SERVER_ID, Long.toString(header.getServerId()), p.sortKey());
    }

    private static String rowNumber(long row) {
        return Long.toString(row);
    }

    private boolean emits(long row) {
        if (skipByGtid) {
            // connected at the GTID position before the skip target's transaction: only that one is partly delivered
            return !skipTx || row > skipThrough.row();
        }
        return skipThrough == null || BinlogPosition.compare(txFileNumber, tx.offset(), row, skipFileNumber,
                skipThrough.offset(), skipThrough.row()) > 0;
    }

    private static String txId(BinlogPosition at) {
        return at.gtid().orElse(at.file() + ":" + at.offset());
    }

    private List<StreamEvent> flushIfLarge() {
        if (pending.size() >= config.maxBatch()) {
            return flushPending(Instant.ofEpochMilli(lastEventMillis));
        }
        return List.of();
    }

    private List<StreamEvent> flushPending(Instant time) {
        if (pending.isEmpty()) {
            return List.of();
        }
        List<StreamEvent> out = new ArrayList<>(pending.size());
        for (Function<Instant, StreamEvent> f : pending) {
            out.add(f.apply(time));
        }
        pending.clear();
        return out;
    }

    private List<StreamEvent> commit(EventHeaderV4 h) {
        List<StreamEvent> out = flushPending(Instant.ofEpochMilli(h.getTimestamp()));
        end(h);
        return out;
    }

    private void end(EventHeaderV4 h) {
        inTransaction = false;
        committed = BinlogPosition.of(file, h.getNextPosition()).withGtidSet(gtidPosition());
    }

    private RowDecoder decoder(TableMapEventData map, BinlogPosition at) {
        // recorded (and, when new, announced) at this table's map, which tableShape checked against the binlog
        Optional<MySqlTable> known = history.at(TableId.of(map.getDatabase(), map.getTable()), at.sortKey());
        return RowDecoder.of(map, known, at, config.tinyint1AsBoolean());
    }
}
