package dev.cdc.source.jdbc.query;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.jdbc.snapshot.ParallelSnapshot;
import dev.cdc.jdbc.snapshot.SnapshotMode;
import dev.cdc.jdbc.snapshot.SnapshotState;
import dev.cdc.jdbc.snapshot.TableProgress;
import dev.cdc.source.jdbc.JdbcSourceConfig;
import dev.cdc.source.jdbc.catalog.Catalog;
import dev.cdc.source.jdbc.catalog.JdbcTable;
import dev.cdc.source.jdbc.catalog.JdbcTypes;
import dev.cdc.source.jdbc.snapshot.JdbcKeyset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The {@code jdbc-query} source: polls each table for rows whose {@code (timestamp, key)} (or
 * {@code (version, key)}) is past its cursor and at most the bound: now minus the safety window
 * (or the greatest version seen a safety window ago), so a transaction that committed up to the
 * window after it wrote its timestamp is still read. Soft-deleted rows become DELETEs, keys that
 * vanished between two key scans too. A first start reads every table in the shared parallel
 * snapshot, then polls from the bound fixed at {@code open}. Threads: as {@link Source} says.
 *
 * <p>Sort keys have one layout, 16 hex digits of {@code (cursor << 10) | slot} ({@link QueryTable}):
 * every snapshot row has {@code start << 10}, the smallest start cursor's slot 0 ({@link
 * #snapshotSortKey}), below every polled row, so a sink that orders writes by sort key (the
 * Elasticsearch sink's external versions) accepts every later change of a snapshotted row.
 * Snapshots before this layout gave their rows {@code hex16(start << 10) + hex16(seq)}; a snapshot
 * resumed from such a checkpoint goes on with the 16-digit key (its offsets are the same).
 */
public final class QuerySource implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(QuerySource.class);
    private static final Duration SCHEMA_CHECK_EVERY = Duration.ofSeconds(1);
    /** While catching up (full pages) the catalog is looked at less often. */
    private static final Duration SCHEMA_CHECK_BUSY = Duration.ofSeconds(30);

    private final JdbcSourceConfig config;
    private final boolean timestamps;
    private Connection connection;
    private final List<QueryTable> tables = new ArrayList<>();
    private boolean snapshot;
    private SnapshotState resumed;
    private final Map<Integer, ArrayDeque<long[]>> versionsSeen = new HashMap<>();
    private KeyScans keys;
    private long emitted;
    /** The emission of the last delete a key scan reported; 0: none yet. */
    private long lastDelete;
    private long lastScan;
    private long lastSchemaCheck;
    private QueryBackfills backfills;
    private volatile boolean closed;

    public QuerySource(JdbcSourceConfig config) {
        this.config = config;
        this.timestamps = config.timestampColumn().isPresent();
    }

    @Override
    public void open(SourceContext context) throws Exception {
        connection = config.connect();
        Catalog catalog = new Catalog(connection, config.dialect());
        List<TableId> ids = catalog.matching(config.tables());
        if (ids.isEmpty()) {
            throw new dev.cdc.api.error.CdcException("no table matches 'tables' " + config.tables() + " in " + config);
        }
        for (TableId id : ids) {
            tables.add(new QueryTable(tables.size(), catalog.require(id, "jdbc-query"), config));
        }
        Optional<Position> resume = context.resumePosition();
        if (resume.isPresent()) {
            Map<String, String> o = resume.get().offsets();
            tables.forEach(t -> t.resume(o));
            if ("true".equals(o.get("snapshot"))) {
                snapshot = true;
                resumed = SnapshotState.from(Long.parseLong(o.get("seq")), o);
            }
            LOG.info("resuming after {}", resume.get());
        } else {
            for (QueryTable t : tables) {
                startNow(t);
            }
            snapshot = config.snapshotMode() != SnapshotMode.NEVER;
        }
        keys = new KeyScans(config.stateDirectory());
        backfills = new QueryBackfills(config, context, () -> connection,
                () -> tables.stream().map(QueryTable::table).toList(), new QueryBackfills.Placement() {
                    @Override
                    public List<StreamEvent> place(List<StreamEvent> chunk) throws SQLException {
                        return placed(chunk);
                    }

                    @Override
                    public long emitted() {
                        return emitted;
                    }
                });
        LOG.info("polling {} table(s) by {} with a safety window of {}: {}", tables.size(),
                config.timestampColumn().or(config::versionColumn).orElseThrow(), config.safetyWindow(), ids);
    }

    /** The cursor starts at the bound now: older rows are the snapshot's (or, with snapshot-mode never, skipped). */
    private void startNow(QueryTable t) throws SQLException {
        String column = config.dialect().quote(config.timestampColumn().or(config::versionColumn).orElseThrow());
        String sql = timestamps ? "SELECT " + bound(t) : "SELECT MAX(" + column + ") FROM "
                + config.dialect().qualified(t.table().id());
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            Object v = timestamps ? JdbcTypes.read(rs, 1, t.table().column(config.timestampColumn().get()).orElseThrow()
                    .type()) : rs.getObject(1);
            if (v == null) {
                t.startAfter(-1, "-1");
            } else {
                t.startAfter(t.cursorValue(v), rs.getString(1));
            }
        }
    }

    private String bound(QueryTable t) {
        boolean tz = t.table().column(config.timestampColumn().orElseThrow()).orElseThrow().type().kind()
                == dev.cdc.api.schema.TypeKind.TIMESTAMP_TZ;
        return config.dialect().nowMinus(config.safetyWindow(), tz);
    }

    // ---------------------------------------------------------------- run

    @Override
    public void run(SourceContext context) throws Exception {
        if (snapshot) {
            if (!timestamps) {
                Thread.sleep(config.safetyWindow().toMillis()); // versions below the start commit within the window
            }
            if (!snapshot(context) || config.snapshotMode() == SnapshotMode.INITIAL_ONLY) {
                return;
            }
        }
        long idleSince = System.nanoTime();
        while (!context.isStopping()) {
            int read = 0;
            for (QueryTable t : tables) {
                read += poll(t, context);
            }
            if (read > 0) {
                idleSince = System.nanoTime();
            } else if (config.idleLongEnough(idleSince)) {
                LOG.info("no new rows for {}: done (stop-when-idle)", config.stopWhenIdle());
                return;
            }
            housekeeping(context, read >= config.batchSize());
            boolean backfilled = backfills.poll();
            if (read == 0 && !backfilled) {
                Thread.sleep(config.pollInterval().toMillis());
            }
        }
    }

    private boolean snapshot(SourceContext context) throws Exception {
        List<ParallelSnapshot.Table> reading = new ArrayList<>();
        for (QueryTable t : tables) {
            if (resumed != null && resumed.finished(t.index())) {
                continue;
            }
            TableProgress p = resumed == null ? null : resumed.inProgress().get(t.index());
            reading.add(new ParallelSnapshot.Table(t.index(), t.table().schema(), JdbcKeyset.of(t.table(),
                    config.dialect()), OptionalLong.empty(), p == null ? null : p.keys(), p != null,
                    t.snapshotRows(startOf(t))));
        }
        Map<String, String> cursors = cursors();
        long start = tables.stream().mapToLong(t -> Long.parseLong(cursors.getOrDefault("c." + t.index() + ".v", "0")))
                .min().orElse(0);
        String sortKey = snapshotSortKey(start);
        ParallelSnapshot.Workers workers = new ParallelSnapshot.Workers() {
            @Override
            public Connection open(int worker) throws SQLException {
                return config.connect();
            }

            @Override
            public void release(int worker, Connection c) {
                try {
                    c.close();
                } catch (SQLException e) {
                    LOG.debug("closing a snapshot connection: {}", e.getMessage());
                }
            }
        };
        return new ParallelSnapshot(new ParallelSnapshot.Settings("cdc-jdbc-query-snapshot", config.parallelism(),
                config.chunkSize(), config.batchSize(), resumed == null ? 0 : resumed.seq() + 1, Instant.now()), workers,
                state -> {
                    Map<String, String> o = new HashMap<>(cursors);
                    o.put("snapshot", "true");
                    o.put("seq", Long.toString(state.seq()));
                    state.writeTo(o);
                    return Position.of(o, sortKey);
                }, context::emit, context::snapshotProgress, context::isStopping).read(reading, resumed);
    }

    /**
     * The sort key of every snapshot row: the 16-digit layout of the polled rows, {@code start << 10}
     * (slot 0 of the smallest start cursor, below every polled row and schema change). One layout per
     * source keeps a sink's mapping of keys consistent (the Elasticsearch sink reads 16 digits as the
     * version itself, longer keys as a high and a low part). The snapshot reads each row once and
     * every later version of it is polled past the start: its rows need no order among themselves;
     * the sequence is in the offsets ({@code seq}), where a resumed snapshot continues.
     */
    static String snapshotSortKey(long start) {
        return QueryTable.sortKey(Math.max(0, start) << 10);
    }

    /**
     * The cursor a table's polling starts from (its cursor column's text; {@code -1}: the table had
     * no version yet), as the snapshot's upper bound; null: none.
     */
    private String startOf(QueryTable t) {
        String[] c = t.cursor();
        return c.length == 0 ? null : c[0];
    }

    private Map<String, String> cursors() {
        Map<String, String> o = new HashMap<>();
        tables.forEach(t -> t.writeTo(o));
        return o;
    }

    /** Reads one page of the table past its cursor; returns how many rows. */
    private int poll(QueryTable t, SourceContext context) throws Exception {
        String upTo;
        if (timestamps) {
            upTo = t.upTo(bound(t));
        } else {
            long b = versionBound(t);
            upTo = t.upTo(Long.toString(b));
        }
        // before the first row a cursor is only the start: rows at or before it are the snapshot's (or skipped)
        Optional<String> past = t.pastStart();
        if (past.isPresent()) {
            upTo = upTo + " AND " + past.get();
        }
        List<StreamEvent> out = new ArrayList<>(config.batchSize());
        Map<String, String> page = cursors();
        page.put(QueryTable.EMISSION, Long.toString(emitted));
        Map<String, String> others = new QueryTable.Base(page);
        int n = t.readPage(connection, upTo, config.batchSize(), r -> out.add(t.event(r, others, ++emitted)));
        if (!out.isEmpty()) {
            context.emit(out);
        }
        return n;
    }

    /** The greatest version seen at least a safety window ago. */
    private long versionBound(QueryTable t) throws SQLException {
        ArrayDeque<long[]> seen = versionsSeen.computeIfAbsent(t.index(), i -> new ArrayDeque<>());
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT MAX("
                + config.dialect().quote(config.versionColumn().orElseThrow()) + ") FROM "
                + config.dialect().qualified(t.table().id()))) {
            rs.next();
            seen.addLast(new long[] {System.nanoTime(), rs.getLong(1)});
        }
        long now = System.nanoTime();
        long bound = Long.MIN_VALUE;
        while (!seen.isEmpty() && now - seen.peekFirst()[0] >= config.safetyWindow().toNanos()) {
            bound = Math.max(bound, seen.pollFirst()[1]);
        }
        if (bound != Long.MIN_VALUE) {
            seen.addFirst(new long[] {now - config.safetyWindow().toNanos(), bound});
        }
        return bound == Long.MIN_VALUE ? Long.MIN_VALUE / 2 : bound;
    }

    /** Schema changes between polls; the key scan for hard deletes. */
    private void housekeeping(SourceContext context, boolean busy) throws Exception {
        long now = System.nanoTime();
        if (now - lastSchemaCheck >= (busy ? SCHEMA_CHECK_BUSY : SCHEMA_CHECK_EVERY).toNanos()) {
            lastSchemaCheck = now;
            Catalog catalog = new Catalog(connection, config.dialect());
            for (int i = 0; i < tables.size(); i++) {
                QueryTable t = tables.get(i);
                Optional<JdbcTable> fresh = catalog.read(t.table().id());
                if (fresh.isPresent() && !fresh.get().sameShape(t.table())) {
                    QueryTable next = new QueryTable(i, fresh.get(), config);
                    Map<String, String> o = cursors();
                    next.resume(o);
                    tables.set(i, next);
                    context.emit(SchemaChangeEvent.of(fresh.get().schema(), next.between(cursors(), ++emitted), Instant.now()));
                    LOG.info("table {} changed its columns: {}", fresh.get().id(), fresh.get().columnNames());
                }
            }
        }
        keys.persistIfCovered();
        if (!config.keyScanInterval().isZero() && now - lastScan >= config.keyScanInterval().toNanos()) {
            lastScan = now;
            for (QueryTable t : tables) {
                scanKeys(t, context);
            }
        }
    }

    private void scanKeys(QueryTable t, SourceContext context) throws Exception {
        Set<List<String>> now = new HashSet<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT " + t.keyList()
                + " FROM " + config.dialect().qualified(t.table().id()))) {
            int n = t.table().primaryKey().size();
            while (rs.next()) {
                List<String> k = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    k.add(rs.getString(i));
                }
                now.add(k);
            }
        }
        Set<List<String>> before = keys.replace(t.table().id().toString(), now);
        if (before == null) {
            keys.scannedWithoutDeletes();
            return;
        }
        List<StreamEvent> deletes = new ArrayList<>();
        for (List<String> k : before) {
            if (!now.contains(k)) {
                dev.cdc.api.event.Row.Builder key = dev.cdc.api.event.Row.builder();
                for (int i = 0; i < k.size(); i++) {
                    String column = t.table().primaryKey().get(i);
                    key.put(column, JdbcTypes.parse(k.get(i), t.table().column(column).orElseThrow().type()));
                }
                deletes.add(ChangeEvent.delete(t.table().id(), key.build(), null, Instant.now(),
                        t.between(cursors(), ++emitted)));
            }
        }
        if (!deletes.isEmpty()) {
            LOG.info("key scan of {}: {} key(s) vanished, reported as deletes", t.table().id(), deletes.size());
            context.emit(deletes);
            lastDelete = emitted;
            // what must be checkpointed before the scan is saved: its deletes (a polled row's position
            // carries its page's emission, a lower bound, so it covers every delete emitted before its page)
            keys.scanned(lastDelete);
        } else {
            keys.scannedWithoutDeletes();
        }
    }

    /**
     * A backfill chunk's events (of one table), each where {@link QueryTable#backfilled} places its
     * row's version (soft-deleted rows as DELETEs), a listed key the table does not hold at the poll
     * bound; every one with the cursors of all tables (where a checkpoint resumes polling) and its
     * own emission number.
     */
    private List<StreamEvent> placed(List<StreamEvent> chunk) throws SQLException {
        List<StreamEvent> out = new ArrayList<>(chunk.size());
        if (chunk.isEmpty()) {
            return out;
        }
        TableId id = ((ChangeEvent) chunk.get(0)).table();
        QueryTable t = tables.stream().filter(q -> q.table().id().equals(id)).findFirst().orElseThrow();
        long atCursor = t.backfillSlot();
        Map<String, String> cursors = cursors();
        Long bound = null;
        for (StreamEvent e : chunk) {
            ChangeEvent c = (ChangeEvent) e;
            if (QueryBackfills.isAbsentKey(c)) {
                if (bound == null) {
                    bound = boundNow(t);
                }
                out.add(t.backfilledDelete(c, bound, cursors, ++emitted));
            } else {
                out.add(t.backfilled(c, atCursor, cursors, ++emitted));
            }
        }
        return out;
    }

    /** The cursor value up to which the poller reads now: now minus the safety window (or the version then). */
    private long boundNow(QueryTable t) throws SQLException {
        if (!timestamps) {
            return versionBound(t);
        }
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT " + bound(t))) {
            rs.next();
            Object v = JdbcTypes.read(rs, 1, t.table().column(config.timestampColumn().orElseThrow()).orElseThrow()
                    .type());
            return v == null ? 0 : t.cursorValue(v);
        }
    }

    /** Backfills run between polls; each row is placed at its own version (no log, no watermark needed). */
    @Override
    public boolean canBackfill() {
        return true;
    }

    @Override
    public void commit(Position position) {
        if (backfills != null) {
            backfills.committed(position);
        }
        String e = position.offsets().get(QueryTable.EMISSION);
        if (e != null && keys != null) {
            keys.committed(Long.parseLong(e));
        }
    }

    @Override
    public void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        if (backfills != null) {
            backfills.close();
        }
        if (connection != null) {
            connection.close();
        }
    }
}
