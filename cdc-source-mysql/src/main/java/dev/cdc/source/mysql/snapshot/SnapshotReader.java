package dev.cdc.source.mysql.snapshot;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.jdbc.snapshot.ParallelSnapshot;
import dev.cdc.jdbc.snapshot.SnapshotState;
import dev.cdc.jdbc.snapshot.TableProgress;
import dev.cdc.source.mysql.MySqlSourceConfig;
import dev.cdc.source.mysql.binlog.BinlogPosition;
import dev.cdc.source.mysql.schema.MySqlTable;
import dev.cdc.source.mysql.schema.SchemaHistory;
import dev.cdc.source.mysql.schema.SchemaReader;
import dev.cdc.source.mysql.setup.ServerSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A consistent snapshot: {@link #begin} opens {@code START TRANSACTION WITH CONSISTENT SNAPSHOT}
 * on one connection per worker, all at the same binlog position, and reads that position;
 * {@link #read} then reads the captured tables inside those transactions, each in primary-key
 * chunks (keyset pagination), and emits READ events that sort before every event streamed from
 * that position.
 *
 * <p>On MariaDB the position comes from {@code SHOW STATUS LIKE 'binlog_snapshot_%'} inside each
 * transaction: no global lock. The workers' transactions are started back to back and kept only
 * when all report the same position (no commit came in between); after
 * {@value #SAME_POSITION_ATTEMPTS} tries under a busy writer the snapshot falls back to one
 * worker (logged). On MySQL a {@code FLUSH TABLES WITH READ LOCK} is held only while the
 * transactions start and the position is read (logged with its duration).
 *
 * <h2>Threads and positions</h2>
 * Workers take tables in name order and hand row batches to the calling (source) thread through
 * a bounded queue; only the calling thread numbers and emits events, so positions increase
 * strictly while tables interleave. Each event's position carries a {@link SnapshotState}: a
 * checkpoint inside the snapshot is a place to resume from ({@link #begin} with that state):
 * finished tables are skipped, tables in progress continue after their checkpointed key (no
 * chunk up to it read again), the others are read from their start.
 */
public final class SnapshotReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReader.class);
    private static final int SAME_POSITION_ATTEMPTS = 20;

    /** Offset marking a snapshot position: {@code true} while reading, {@code last} on its final event. */
    public static final String SNAPSHOT = "snapshot";

    /** Opens a plain JDBC connection to the server. */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    private final MySqlSourceConfig config;
    private final List<Connection> connections;
    private final BinlogPosition position;
    private final List<MySqlTable> tables;
    private final List<OptionalLong> estimates;
    private final SnapshotState resumed;
    private final Instant startTime = Instant.now();
    private final Map<String, String> base = new HashMap<>();
    private StreamEvent held;
    private long emitted;

    private SnapshotReader(MySqlSourceConfig config, List<Connection> connections, BinlogPosition position,
                           List<MySqlTable> tables, List<OptionalLong> estimates, SnapshotState resumed) {
        this.config = config;
        this.connections = connections;
        this.position = position;
        this.tables = tables;
        this.estimates = estimates;
        this.resumed = resumed;
        base.put(BinlogPosition.FILE, position.file());
        base.put(BinlogPosition.POS, Long.toString(position.offset()));
        base.put(SNAPSHOT, "true");
        position.gtidSet().ifPresent(g -> base.put(BinlogPosition.GTID_SET, g));
    }

    /**
     * Starts the snapshot transactions and fixes the binlog position; records each table's definition.
     *
     * @param resume where a checkpoint inside an earlier snapshot left it, with that snapshot's binlog
     *               position (where streaming continues): the rest is read in new transactions
     */
    public static SnapshotReader begin(MySqlSourceConfig config, Connections connect, SchemaHistory history,
                                       Optional<Resume> resume) throws SQLException {
        List<Connection> connections = new ArrayList<>();
        boolean ok = false;
        try {
            Connection main = connect.open();
            connections.add(main);
            boolean maria = ServerSetup.isMariaDb(main);
            List<String> names = captured(config, main);
            long toRead = names.size() - resume.map(r -> (long) r.state().countFinished(names.size())).orElse(0L);
            int workers = (int) Math.max(1, Math.min(config.snapshotParallelism(), toRead));
            for (int w = 1; w < workers; w++) {
                connections.add(connect.open());
            }
            for (Connection c : connections) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET SESSION time_zone = '+00:00'");
                    s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                }
            }
            BinlogPosition at = maria ? startMariaDb(connections) : startMySql(connections);
            if (maria && config.useGtid()) {
                at = at.withGtidSet(ServerSetup.gtidPosition(main, at));
            }
            BinlogPosition streamFrom = resume.map(Resume::streamFrom).orElse(at);
            if (resume.isPresent()) {
                LOG.info("snapshot: resuming the snapshot of binlog {} in {} new consistent-snapshot transaction(s) at {}"
                        + " (the rest is read as of now; streaming then replays everything since {})", streamFrom,
                        connections.size(), at, streamFrom.file() + ":" + streamFrom.offset());
            }
            List<MySqlTable> tables = new ArrayList<>();
            String key = BinlogPosition.sortKey(BinlogPosition.fileNumber(streamFrom.file()), streamFrom.offset() - 1, 0);
            for (String name : captured(config, main)) {
                TableId id = TableId.of(config.database(), name);
                Optional<MySqlTable> t = SchemaReader.read(main, id);
                if (t.isPresent()) {
                    tables.add(t.get());
                    if (resume.isEmpty() || !history.hasVersionAt(id, key)) {
                        history.record(id, key, t);
                    }
                }
            }
            SnapshotState state = resume.map(Resume::state).orElse(null);
            if (state != null) {
                checkTablesStillInOrder(state, tables);
            }
            List<OptionalLong> estimates = new ArrayList<>();
            for (MySqlTable t : tables) {
                estimates.add(MySqlKeyset.estimate(main, t.id()));
            }
            ok = true;
            return new SnapshotReader(config, connections, streamFrom, tables, estimates, state);
        } finally {
            if (!ok) {
                closeAll(connections);
            }
        }
    }

    /** A checkpoint inside a snapshot: its progress and the binlog position that snapshot streams from. */
    public record Resume(SnapshotState state, BinlogPosition streamFrom) {
    }

    private static List<String> captured(MySqlSourceConfig config, Connection c) throws SQLException {
        return SchemaReader.tableNames(c, config.database()).stream()
                .filter(n -> config.captures(config.database(), n)).toList();
    }


    private static void checkTablesStillInOrder(SnapshotState state, List<MySqlTable> tables) {
        for (Map.Entry<Integer, TableProgress> e : state.inProgress().entrySet()) {
            int i = e.getKey();
            String now = i < tables.size() ? tables.get(i).id().toString() : "(no table)";
            if (!now.equals(e.getValue().table())) {
                throw new CdcException("cannot resume the snapshot: the checkpoint has table " + e.getValue().table()
                        + " in progress as captured table number " + i + ", but that number is now " + now
                        + " (tables were created or dropped meanwhile). Remove the checkpoint (and schema-history.txt)"
                        + " from the state directory to take the snapshot again from the start");
            }
        }
    }

    /** MariaDB: every worker's transaction at one binlog position, without any lock. */
    private static BinlogPosition startMariaDb(List<Connection> connections) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            for (Connection c : connections) {
                try (Statement s = c.createStatement()) {
                    s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                }
            }
            List<BinlogPosition> at = new ArrayList<>();
            for (Connection c : connections) {
                at.add(snapshotPosition(c));
            }
            if (at.stream().distinct().count() == 1) {
                LOG.info("snapshot: {} consistent-snapshot transaction(s) at binlog {} (MariaDB binlog_snapshot_file/"
                        + "position: no global lock taken{})", connections.size(), at.get(0),
                        attempt > 1 ? ", " + attempt + " tries to start them between two commits" : "");
                return at.get(0);
            }
            for (Connection c : connections) {
                try (Statement s = c.createStatement()) {
                    s.execute("ROLLBACK");
                }
            }
            if (attempt >= SAME_POSITION_ATTEMPTS) {
                LOG.warn("snapshot: {} tries to start {} transactions between two commits all failed (a busy writer):"
                        + " reading the tables one after another in one transaction", attempt, connections.size());
                closeAll(connections.subList(1, connections.size()));
                connections.subList(1, connections.size()).clear();
            }
        }
    }

    private static BinlogPosition snapshotPosition(Connection c) throws SQLException {
        String file = null;
        long offset = -1;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
            while (rs.next()) {
                if (rs.getString(1).equalsIgnoreCase("binlog_snapshot_file")) {
                    file = rs.getString(2);
                } else if (rs.getString(1).equalsIgnoreCase("binlog_snapshot_position")) {
                    offset = Long.parseLong(rs.getString(2));
                }
            }
        }
        if (file == null || file.isEmpty() || offset < 0) {
            throw new CdcException("MariaDB gave no binlog_snapshot_file/position inside a consistent-snapshot"
                    + " transaction: is log_bin on?");
        }
        return BinlogPosition.of(file, offset);
    }

    /** MySQL: a global read lock only while the transactions start and the position is read. */
    private static BinlogPosition startMySql(List<Connection> connections) throws SQLException {
        long t0 = System.nanoTime();
        Connection main = connections.get(0);
        BinlogPosition pos;
        try (Statement s = main.createStatement()) {
            s.execute("FLUSH TABLES WITH READ LOCK");
            try {
                for (Connection c : connections) {
                    try (Statement st = c.createStatement()) {
                        st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                    }
                }
                pos = ServerSetup.masterStatus(main);
            } finally {
                s.execute("UNLOCK TABLES");
            }
        }
        LOG.info("snapshot: {} consistent-snapshot transaction(s) at binlog {}; the global read lock was held for {} ms",
                connections.size(), pos, Duration.ofNanos(System.nanoTime() - t0).toMillis());
        return pos;
    }

    /** Where streaming continues after the snapshot. */
    public BinlogPosition binlogPosition() {
        return position;
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads the tables and emits their schemas and rows; the last event carries {@code snapshot=last}.
     *
     * @return false when the pipeline stopped before the end
     */
    public boolean read(SourceContext context) throws Exception {
        List<ParallelSnapshot.Table> jobs = new ArrayList<>();
        for (int i = 0; i < tables.size(); i++) {
            if (resumed != null && resumed.finished(i)) {
                continue;
            }
            TableProgress p = resumed == null ? null : resumed.inProgress().get(i);
            MySqlTable t = tables.get(i);
            jobs.add(new ParallelSnapshot.Table(i, t.toSchema(config.tinyint1AsBoolean()), MySqlKeyset.of(t, config.tinyint1AsBoolean()), estimates.get(i),
                    p == null ? null : p.keys(), p != null));
        }
        if (resumed != null) {
            LOG.info("snapshot: resuming: {} of {} table(s) finished before, {} in progress {}",
                    resumed.countFinished(tables.size()), tables.size(), resumed.inProgress().size(),
                    resumed.inProgress().values());
        }
        long firstSeq = resumed == null ? 1 : resumed.seq() + 1;
        ParallelSnapshot snapshot = new ParallelSnapshot(new ParallelSnapshot.Settings("cdc-mysql-snapshot",
                connections.size(), config.chunkSize(), config.maxBatch(), firstSeq, startTime),
                worker -> connections.get(worker), this::position, batch -> emit(context, batch),
                context::snapshotProgress, context::isStopping);
        if (!snapshot.read(jobs, resumed)) {
            return false;
        }
        if (held != null) {
            StreamEvent last = held;
            held = null;
            Position p = mark(last.position(), "last");
            context.emit(last instanceof ChangeEvent e ? e.withPosition(p) : withPosition((SchemaChangeEvent) last, p));
        }
        for (Connection c : connections) {
            try (Statement s = c.createStatement()) {
                s.execute("COMMIT");
            }
        }
        LOG.info("snapshot: done, {} events; streaming from binlog {}", emitted, position);
        return true;
    }

    // ------------------------------------------------------------------ events

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
        if (!out.isEmpty()) {
            context.emit(out);
            emitted += out.size();
        }
    }

    private Position position(SnapshotState state) {
        Map<String, String> o = new HashMap<>(base);
        o.put(BinlogPosition.ROW, Long.toString(state.seq()));
        state.writeTo(o);
        return Position.of(o, BinlogPosition.sortKey(BinlogPosition.fileNumber(position.file()), position.offset() - 1,
                state.seq()));
    }

    private static SchemaChangeEvent withPosition(SchemaChangeEvent e, Position p) {
        return new SchemaChangeEvent(e.table(), e.before(), e.after(), e.changes(), e.ddl(), p, e.commitTime());
    }

    private static Position mark(Position p, String value) {
        Map<String, String> o = new HashMap<>(p.offsets());
        o.put(SNAPSHOT, value);
        return Position.of(o, p.sortKey());
    }

    private static void closeAll(List<Connection> connections) {
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing a snapshot connection failed", e);
            }
        }
    }

    /** Ends the transactions and closes the connections. Idempotent. */
    @Override
    public void close() {
        for (Connection c : connections) {
            try (Statement s = c.createStatement()) {
                s.execute("ROLLBACK");
            } catch (SQLException ignored) {
                // closed below
            }
        }
        closeAll(connections);
    }
}
