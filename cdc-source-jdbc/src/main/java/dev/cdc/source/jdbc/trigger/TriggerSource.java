package dev.cdc.source.jdbc.trigger;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.api.spi.SourceSetup;
import dev.cdc.jdbc.snapshot.ExportedSnapshot;
import dev.cdc.jdbc.snapshot.SnapshotMode;
import dev.cdc.jdbc.snapshot.SnapshotState;
import dev.cdc.source.jdbc.JdbcSourceConfig;
import dev.cdc.source.jdbc.JdbcSourceOptions.Setup;
import dev.cdc.source.jdbc.catalog.JdbcTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code jdbc-trigger} source. {@code open} connects, finds the captured tables (each with a
 * primary key), makes sure the change log and triggers are there ({@link ChangeLogSetup}) and
 * decides where to start: after the checkpoint, or a snapshot, or (snapshot-mode never) the
 * log's present. {@code run} takes the snapshot if planned, then reads the change log in change
 * order ({@link HorizonReader} on PostgreSQL, {@link GapReader} elsewhere) and emits its rows as
 * events ({@link ChangeEvents}); rows a checkpoint covers are deleted from the log (after
 * {@code retention}). Backfills run between reads, with watermark rows written into the change
 * log and met by the reader in change order ({@link TriggerBackfills}).
 *
 * <h2>Threads</h2>
 * {@code open}, {@code run}, {@code close} on the source thread; {@link #commit} on the
 * checkpoint thread only records the position, which the source thread cleans up to between reads.
 */
public final class TriggerSource implements Source, SourceSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TriggerSource.class);
    private static final Duration CLEANUP_EVERY = Duration.ofSeconds(1);
    private static final Duration SCHEMA_CHECK_EVERY = Duration.ofSeconds(2);
    /** While catching up (full reads), the catalog is looked at less often: images show new columns anyway. */
    private static final Duration SCHEMA_CHECK_BUSY = Duration.ofSeconds(30);

    private enum Plan { SNAPSHOT, SNAPSHOT_RESUME, STREAM }

    private final JdbcSourceConfig config;
    private final ChangeLogSetup setup;
    private final AtomicReference<Position> committed = new AtomicReference<>();
    private Connection connection;
    private List<JdbcTable> tables = List.of();
    private TableId log;
    private String logSql;
    private LogReader reader;
    private Plan plan = Plan.STREAM;
    private ExportedSnapshot exported;
    private List<Connection> workers = List.of();
    private SnapshotState resumedSnapshot;
    private ChangeEvents events;
    private Position cleaned;
    private long lastCleanup;
    private long lastSchemaCheck;
    private TriggerBackfills backfills;
    private volatile boolean closed;

    public TriggerSource(JdbcSourceConfig config) {
        this.config = config;
        this.setup = new ChangeLogSetup(config);
    }

    @Override
    public void open(SourceContext context) throws Exception {
        connection = config.connect();
        tables = setup.tables(connection);
        log = setup.log(tables);
        logSql = config.dialect().qualified(log);
        setup.ensure(connection, tables);
        events = new ChangeEvents(config, connection, tables);
        lastSchemaCheck = System.nanoTime(); // the catalog was just read
        Optional<Position> resume = context.resumePosition();
        if (resume.isPresent()) {
            Map<String, String> o = resume.get().offsets();
            reader = resumeReader(o);
            if ("true".equals(o.get(LogReader.OFFSET_SNAPSHOT))) {
                plan = Plan.SNAPSHOT_RESUME;
                resumedSnapshot = SnapshotState.from(Long.parseLong(o.get("seq")), o);
                checkTablesStillInOrder(resumedSnapshot);
                LOG.info("resuming the snapshot after {}", resume.get());
            } else {
                LOG.info("resuming the change log {} after {}", log, resume.get());
            }
        } else if (config.snapshotMode() == SnapshotMode.NEVER) {
            reader = isPostgres() ? HorizonReader.fromNow(config.dialect(), logSql, connection)
                    : new GapReader(config.dialect(), logSql, probe(), config.gapConfirm(), 0, IdRanges.of(visibleIds()));
            LOG.info("snapshot-mode never: capturing changes from now on ({})", log);
        } else {
            plan = Plan.SNAPSHOT;
        }
        if (plan != Plan.STREAM) {
            prepareSnapshot();
        }
        backfills = new TriggerBackfills(config, context, () -> connection, () -> tables, logSql,
                config.dialect().changeLog().orElseThrow().insertWatermark(log));
        LOG.info("capturing {} table(s) through the change log {}: {}", tables.size(), log,
                tables.stream().map(JdbcTable::id).toList());
    }

    private boolean isPostgres() {
        return config.dialect().name().equals("postgresql");
    }

    private LogReader resumeReader(Map<String, String> o) {
        return isPostgres() ? HorizonReader.resume(config.dialect(), logSql, o)
                : GapReader.resume(config.dialect(), logSql, probe(), config.gapConfirm(), o);
    }

    private GapProbe probe() {
        return config.dialect().name().equals("h2")
                ? GapProbe.probeInsert(logSql, config.dialect().quote("id"),
                config.dialect().quote("tbl") + ", " + config.dialect().quote("op"))
                : GapProbe.lockingRead(logSql);
    }

    /** The change-log ids committed now: a stream from now skips them (and waits for the ones in flight). */
    private List<Long> visibleIds() throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement("SELECT " + config.dialect().quote("id") + " FROM "
                + logSql + " ORDER BY 1"); var rs = st.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private void checkTablesStillInOrder(SnapshotState state) {
        state.inProgress().forEach((i, p) -> {
            String now = i < tables.size() ? tables.get(i).id().toString() : "(none)";
            if (!now.equals(p.table())) {
                throw new dev.cdc.api.error.CdcException("cannot resume the snapshot: the checkpoint has " + p.table()
                        + " in progress as captured table " + i + ", which is now " + now + " (the captured tables"
                        + " changed); restore 'tables', or remove the checkpoint to take the snapshot again");
            }
        });
    }

    // ---------------------------------------------------------------- run

    @Override
    public void run(SourceContext context) throws Exception {
        if (plan != Plan.STREAM && !snapshot(context)) {
            return;
        }
        if (config.snapshotMode() == SnapshotMode.INITIAL_ONLY && plan != Plan.STREAM) {
            LOG.info("snapshot finished; snapshot-mode initial-only: done");
            return;
        }
        long idleSince = System.nanoTime();
        while (!context.isStopping()) {
            List<LogReader.Item> items = reader.read(connection, config.batchSize());
            if (!items.isEmpty()) {
                idleSince = System.nanoTime();
            } else if (config.idleLongEnough(idleSince)) {
                housekeeping(false);
                LOG.info("nothing new in the change log {} for {}: done (stop-when-idle)", log, config.stopWhenIdle());
                return;
            }
            if (!items.isEmpty()) {
                for (JdbcTable changed : events.recheck(items)) {
                    columnsChanged(changed);
                }
                List<StreamEvent> out = new ArrayList<>(items.size() + 1);
                for (LogReader.Item item : items) {
                    if (TriggerBackfills.isWatermark(item)) {
                        backfills.watermark(item, reader, events, out);
                        continue;
                    }
                    int from = out.size();
                    events.add(item, reader, out);
                    backfills.changed(out, from);
                }
                if (!out.isEmpty()) {
                    context.emit(out);
                }
            }
            housekeeping(items.size() >= config.batchSize());
            boolean chunkStarted = backfills.poll();
            if (items.size() < config.batchSize() && !chunkStarted && !context.isStopping()) {
                Thread.sleep(config.pollInterval().toMillis());
            }
        }
    }

    /** Fixes the snapshot (and so where the stream starts) before {@code open} returns. */
    private void prepareSnapshot() throws SQLException {
        if (isPostgres()) {
            exported = TriggerSnapshot.exported(config);
            if (plan == Plan.SNAPSHOT) {
                reader = HorizonReader.afterSnapshot(config.dialect(), logSql, exported.currentSnapshot());
            }
        } else {
            List<Long> visible = new ArrayList<>();
            workers = new TriggerSnapshot(config, logSql).consistent(Math.min(config.parallelism(), tables.size()),
                    visible);
            if (plan == Plan.SNAPSHOT) {
                reader = new GapReader(config.dialect(), logSql, probe(), config.gapConfirm(), 0, IdRanges.of(visible));
            }
        }
    }

    private boolean snapshot(SourceContext context) throws Exception {
        TriggerSnapshot snapshot = new TriggerSnapshot(config, logSql);
        try {
            boolean done = exported != null
                    ? snapshot.read(tables, reader, resumedSnapshot, context, exported, config.parallelism())
                    : snapshot.read(tables, reader, resumedSnapshot, context, TriggerSnapshot.on(workers), workers.size());
            events.announced(tables);
            return done;
        } finally {
            releaseSnapshot();
        }
    }

    private void releaseSnapshot() {
        if (exported != null) {
            exported.close();
            exported = null;
        }
        for (Connection c : workers) {
            try {
                c.rollback();
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing a snapshot connection: {}", e.getMessage());
            }
        }
        workers = List.of();
    }

    /** Deletes what the checkpoint covers (at most every second); replaces triggers of changed tables. */
    private void housekeeping(boolean busy) throws SQLException {
        long now = System.nanoTime();
        Position p = committed.get();
        if (p != null && !p.equals(cleaned) && now - lastCleanup >= CLEANUP_EVERY.toNanos()) {
            lastCleanup = now;
            LogReader.Delete d = reader.covered(p);
            String sql = "DELETE FROM " + logSql + " WHERE " + d.where()
                    + (config.retention().isZero() ? "" : " AND " + config.dialect().quote("ts") + " < ?");
            try (PreparedStatement st = connection.prepareStatement(sql)) {
                int i = 1;
                for (Object v : d.parameters()) {
                    st.setObject(i++, v);
                }
                if (!config.retention().isZero()) {
                    st.setObject(i, java.sql.Timestamp.from(Instant.now().minus(config.retention())));
                }
                int n = st.executeUpdate();
                if (reader instanceof HorizonReader h) {
                    h.forgetBatches(connection, p);
                }
                LOG.debug("removed {} change-log row(s) the checkpoint {} covers", n, p);
            }
            cleaned = p;
        }
        if (now - lastSchemaCheck >= (busy ? SCHEMA_CHECK_BUSY : SCHEMA_CHECK_EVERY).toNanos()) {
            lastSchemaCheck = now;
            for (JdbcTable changed : events.changedInCatalog()) {
                columnsChanged(changed);
            }
        }
    }

    /** Where triggers list the columns (MariaDB), replaces them ({@code setup: auto}) or warns. */
    private void columnsChanged(JdbcTable changed) throws SQLException {
        if (!config.dialect().changeLog().orElseThrow().triggersListColumns()) {
            return;
        }
        if (config.setup() == Setup.AUTO) {
            setup.replaceTriggers(connection, log, changed);
        } else {
            LOG.warn("table {} changed its columns, but setup is manual: its triggers still write the old"
                    + " columns; have a DBA run `cdc setup <pipeline.yaml>` again", changed.id());
        }
    }

    @Override
    public void commit(Position position) {
        committed.set(position);
    }

    /** Backfills run between reads of the change log, with watermark rows written into it. */
    @Override
    public boolean canBackfill() {
        return true;
    }

    @Override
    public void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        releaseSnapshot();
        if (backfills != null) {
            backfills.close();
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing the connection: {}", e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- cdc setup

    @Override
    public List<String> setupStatements() throws Exception {
        return setup.asSourceSetup().setupStatements();
    }

    @Override
    public List<String> dropStatements() throws Exception {
        return setup.asSourceSetup().dropStatements();
    }

    @Override
    public void setUp() throws Exception {
        setup.asSourceSetup().setUp();
    }

    @Override
    public void drop() throws Exception {
        setup.asSourceSetup().drop();
    }

    @Override
    public void alter(String ddl) throws Exception {
        setup.asSourceSetup().alter(ddl);
    }
}
