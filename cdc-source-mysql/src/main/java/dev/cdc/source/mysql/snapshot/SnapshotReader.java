package dev.cdc.source.mysql.snapshot;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.SnapshotProgress;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.source.mysql.MySqlSourceConfig;
import dev.cdc.source.mysql.binlog.BinlogPosition;
import dev.cdc.source.mysql.schema.ColumnInfo;
import dev.cdc.source.mysql.schema.MySqlTable;
import dev.cdc.source.mysql.schema.SchemaHistory;
import dev.cdc.source.mysql.schema.SchemaReader;
import dev.cdc.source.mysql.setup.ServerSetup;
import dev.cdc.source.mysql.types.MySqlTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * A consistent snapshot: {@link #begin} opens a {@code START TRANSACTION WITH CONSISTENT SNAPSHOT}
 * and reads the binlog position of that very instant; {@link #read} then reads every captured
 * table inside it in primary-key chunks (keyset pagination) and emits READ events that sort
 * before every event streamed from that position.
 *
 * <p>On MariaDB the position comes from {@code SHOW STATUS LIKE 'binlog_snapshot_%'} inside the
 * transaction: no global lock at all. On MySQL a {@code FLUSH TABLES WITH READ LOCK} is held
 * only from before the transaction starts until the position is read (logged with its duration).
 */
public final class SnapshotReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReader.class);

    /** Offset marking a snapshot position: {@code true} while reading, {@code last} on its final event. */
    public static final String SNAPSHOT = "snapshot";

    private final MySqlSourceConfig config;
    private final Connection connection;
    private final BinlogPosition position;
    private final Instant startTime;
    private final List<MySqlTable> tables = new ArrayList<>();
    private long counter;
    private StreamEvent held;

    private SnapshotReader(MySqlSourceConfig config, Connection connection, BinlogPosition position, Instant startTime) {
        this.config = config;
        this.connection = connection;
        this.position = position;
        this.startTime = startTime;
    }

    /** Starts the snapshot transaction and fixes its binlog position; records each table's definition. */
    public static SnapshotReader begin(MySqlSourceConfig config, Connection c, SchemaHistory history) throws SQLException {
        boolean maria = ServerSetup.isMariaDb(c);
        BinlogPosition pos;
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION time_zone = '+00:00'");
            s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            if (maria) {
                s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                String file = null;
                long offset = -1;
                try (ResultSet rs = s.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
                    while (rs.next()) {
                        if (rs.getString(1).equalsIgnoreCase("binlog_snapshot_file")) {
                            file = rs.getString(2);
                        } else if (rs.getString(1).equalsIgnoreCase("binlog_snapshot_position")) {
                            offset = Long.parseLong(rs.getString(2));
                        }
                    }
                }
                if (file == null || file.isEmpty() || offset < 0) {
                    throw new dev.cdc.api.error.CdcException("MariaDB gave no binlog_snapshot_file/position inside a"
                            + " consistent-snapshot transaction: is log_bin on?");
                }
                pos = BinlogPosition.of(file, offset);
                LOG.info("snapshot: consistent-snapshot transaction at binlog {} (MariaDB binlog_snapshot_file/position:"
                        + " no global lock taken)", pos);
            } else {
                long t0 = System.nanoTime();
                s.execute("FLUSH TABLES WITH READ LOCK");
                try {
                    s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                    pos = ServerSetup.masterStatus(c);
                } finally {
                    s.execute("UNLOCK TABLES");
                }
                LOG.info("snapshot: consistent-snapshot transaction at binlog {}; the global read lock was held for {} ms",
                        pos, Duration.ofNanos(System.nanoTime() - t0).toMillis());
            }
        }
        SnapshotReader r = new SnapshotReader(config, c, pos, Instant.now());
        String key = r.sortKey(0);
        for (String name : SchemaReader.tableNames(c, config.database())) {
            if (config.captures(config.database(), name)) {
                MySqlTable t = SchemaReader.read(c, TableId.of(config.database(), name)).orElse(null);
                if (t != null) {
                    r.tables.add(t);
                    history.record(t.id(), key, java.util.Optional.of(t));
                }
            }
        }
        return r;
    }

    /** Where streaming continues after the snapshot. */
    public BinlogPosition binlogPosition() {
        return position;
    }

    /** Reads every table and emits its schema and rows; the last event carries {@code snapshot=last}. */
    public void read(SourceContext context) throws Exception {
        for (MySqlTable t : tables) {
            if (context.isStopping()) {
                return;
            }
            readTable(t, context);
        }
        if (held != null) {
            StreamEvent last = held;
            held = null;
            Position p = mark(last.position(), "last");
            context.emit(last instanceof ChangeEvent e ? e.withPosition(p) : withPosition((SchemaChangeEvent) last, p));
        }
        try (Statement s = connection.createStatement()) {
            s.execute("COMMIT");
        }
        LOG.info("snapshot: done, {} events; streaming from binlog {}", counter, position);
    }

    private static SchemaChangeEvent withPosition(SchemaChangeEvent e, Position p) {
        return new SchemaChangeEvent(e.table(), e.before(), e.after(), e.changes(), e.ddl(), p, e.commitTime());
    }

    private void readTable(MySqlTable t, SourceContext context) throws Exception {
        List<StreamEvent> batch = new ArrayList<>();
        batch.add(new SchemaChangeEvent(t.id(), java.util.Optional.empty(),
                java.util.Optional.of(t.toSchema(config.tinyint1AsBoolean())), List.of(), java.util.Optional.empty(),
                next(), startTime));
        OptionalLong estimate = estimate(t.id());
        String cols = t.columns().stream().map(c -> MySqlTypes.selectExpression(c, quote(c.name())))
                .collect(Collectors.joining(", "));
        String from = " FROM " + quote(t.id().namespace()) + "." + quote(t.id().name());
        long rows = 0;
        List<String> pk = t.primaryKey();
        if (pk.isEmpty()) {
            try (Statement s = connection.createStatement()) {
                s.setFetchSize(config.chunkSize());
                try (ResultSet rs = s.executeQuery("SELECT " + cols + from)) {
                    while (rs.next()) {
                        batch.add(read(t, rs));
                        rows++;
                        if (batch.size() >= config.maxBatch()) {
                            emit(context, batch);
                            context.snapshotProgress(new SnapshotProgress(t.id(), rows, estimate, false));
                        }
                    }
                }
            }
        } else {
            String keyList = pk.stream().map(SnapshotReader::quote).collect(Collectors.joining(", "));
            String order = " ORDER BY " + keyList + " LIMIT " + config.chunkSize();
            String first = "SELECT " + cols + from + order;
            String after = "SELECT " + cols + from + " WHERE (" + keyList + ") > ("
                    + pk.stream().map(k -> "?").collect(Collectors.joining(", ")) + ")" + order;
            Object[] last = null;
            while (!context.isStopping()) {
                int n = 0;
                try (PreparedStatement ps = connection.prepareStatement(last == null ? first : after)) {
                    if (last != null) {
                        for (int i = 0; i < last.length; i++) {
                            ps.setObject(i + 1, last[i]);
                        }
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            batch.add(read(t, rs));
                            n++;
                            last = new Object[pk.size()];
                            for (int i = 0; i < pk.size(); i++) {
                                last[i] = rs.getObject(pk.get(i));
                            }
                            if (batch.size() >= config.maxBatch()) {
                                emit(context, batch);
                            }
                        }
                    }
                }
                rows += n;
                emit(context, batch);
                context.snapshotProgress(new SnapshotProgress(t.id(), rows, estimate, false));
                if (n < config.chunkSize()) {
                    break;
                }
            }
        }
        emit(context, batch);
        context.snapshotProgress(new SnapshotProgress(t.id(), rows, estimate, true));
        LOG.info("snapshot: {} rows of {}", rows, t.id());
    }

    private ChangeEvent read(MySqlTable t, ResultSet rs) throws SQLException {
        Row.Builder b = Row.builder();
        int i = 1;
        for (ColumnInfo c : t.columns()) {
            b.put(c.name(), MySqlTypes.fromJdbc(c, rs, i++, config.tinyint1AsBoolean()));
        }
        Row row = b.build();
        return ChangeEvent.read(t.id(), t.primaryKey().isEmpty() ? Row.empty() : row.project(t.primaryKey()), row,
                startTime, next());
    }

    /** Emits all but the newest event (held back so the very last one can be marked). */
    private void emit(SourceContext context, List<StreamEvent> batch) throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        List<StreamEvent> out = new ArrayList<>(batch.size() + 1);
        if (held != null) {
            out.add(held);
        }
        out.addAll(batch.subList(0, batch.size() - 1));
        held = batch.get(batch.size() - 1);
        batch.clear();
        if (!out.isEmpty()) {
            context.emit(out);
        }
    }

    private Position next() {
        counter++;
        Map<String, String> o = new HashMap<>();
        o.put(BinlogPosition.FILE, position.file());
        o.put(BinlogPosition.POS, Long.toString(position.offset()));
        o.put(BinlogPosition.ROW, Long.toString(counter));
        o.put(SNAPSHOT, "true");
        return Position.of(o, sortKey(counter));
    }

    private String sortKey(long n) {
        return BinlogPosition.sortKey(BinlogPosition.fileNumber(position.file()), position.offset() - 1, n);
    }

    private static Position mark(Position p, String value) {
        Map<String, String> o = new HashMap<>(p.offsets());
        o.put(SNAPSHOT, value);
        return Position.of(o, p.sortKey());
    }

    private OptionalLong estimate(TableId t) {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, t.namespace());
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getObject(1) != null ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            return OptionalLong.empty();
        }
    }

    static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    @Override
    public void close() {
        try (Statement s = connection.createStatement()) {
            s.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // the connection is closed by the source
        }
    }
}
