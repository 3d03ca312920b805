package dev.cdc.source.mysql;

import com.github.shyiko.mysql.binlog.event.Event;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.api.spi.SourceSetup;
import dev.cdc.jdbc.snapshot.ReconnectBudget;
import dev.cdc.jdbc.snapshot.SnapshotMode;
import dev.cdc.jdbc.snapshot.SnapshotState;
import dev.cdc.source.mysql.backfill.MySqlBackfills;
import dev.cdc.source.mysql.backfill.NewlyCaptured;
import dev.cdc.source.mysql.backfill.PositionHeal;
import dev.cdc.source.mysql.backfill.WatermarkTable;
import dev.cdc.source.mysql.binlog.BinlogConnection;
import dev.cdc.source.mysql.binlog.BinlogGoneException;
import dev.cdc.source.mysql.binlog.BinlogPosition;
import dev.cdc.source.mysql.binlog.BinlogReader;
import dev.cdc.source.mysql.schema.SchemaHistory;
import dev.cdc.source.mysql.schema.SchemaReader;
import dev.cdc.source.mysql.setup.ServerSetup;
import dev.cdc.source.mysql.snapshot.SnapshotReader;
import dev.cdc.jdbc.snapshot.backfill.LoglessBackfills;
import dev.cdc.jdbc.snapshot.backfill.OnPositionLost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The {@code mysql} source. {@code open} checks the server, decides where to start (the
 * checkpoint, a new consistent snapshot, or the binlog's end) and fixes that position;
 * {@code run} reads the snapshot if there is one, then streams the binlog, reconnecting after a
 * lost connection from the last handed-over event. Threads: as {@link Source} says.
 */
public final class MySqlSource implements Source, SourceSetup {

    private static final Logger LOG = LoggerFactory.getLogger(MySqlSource.class);

    private final MySqlSourceConfig config;
    private final WatermarkTable watermarks;
    private Connection connection;
    private boolean gtids;
    private SnapshotReader snapshot;
    private SchemaHistory history;
    private BinlogPosition streamFrom;
    private Optional<BinlogPosition> skipThrough = Optional.empty();
    /** The run resumes a stream checkpoint (not a snapshot, a heal or a first start). */
    private boolean resumedStream;
    /** snapshot-mode initial-only, restarted after its snapshot finished: the checkpoint (no binlog is read). */
    private Optional<Position> initialOnlyDone = Optional.empty();
    /** The first event number of backfills placed after a snapshot at its own place (above every snapshot row). */
    private static final long AFTER_SNAPSHOT = 1L << 31;
    /** The lost checkpoint position being healed (on-position-lost: heal), until its backfills are requested. */
    private Optional<BinlogPosition> healFrom = Optional.empty();
    private volatile BinlogConnection binlog;
    private MySqlBackfills backfills;
    private volatile boolean closed;

    MySqlSource(MySqlSourceConfig config) {
        this.config = config;
        this.watermarks = new WatermarkTable(config.watermarkTable(), config.serverId(), config.user());
    }

    @Override
    public void open(SourceContext context) throws Exception {
        connection = connect();
        ServerSetup.check(connection, config.user(), config.database());
        ServerSetup.rowMetadataWithoutNames(connection).ifPresent(m -> LOG.warn("binlog_row_metadata is {}: row events"
                + " carry no column names, so names and types come from the schema history (read at the snapshot or"
                + " when a table is first seen, updated when the source reaches each DDL). A source lagging behind"
                + " several DDLs of one table reads a later definition and then stops with an error rather than"
                + " mis-name columns; binlog_row_metadata=FULL avoids that", m));
        gtids = config.useGtid() && ServerSetup.isMariaDb(connection);
        watermarkTableReady();
        history = SchemaHistory.open(config.stateDirectory());
        Optional<Position> resume = context.resumePosition();
        if (resume.isPresent()) {
            Position p = resume.get();
            String snap = p.offsets().get(SnapshotReader.SNAPSHOT);
            BinlogPosition at = BinlogPosition.from(p);
            if (config.snapshotMode() == SnapshotMode.INITIAL_ONLY && !"true".equals(snap)) {
                initialOnlyDone = Optional.of(p);
                LOG.info("snapshot-mode initial-only: the snapshot finished before ({}); running the queued backfills,"
                        + " if any, then finishing", at);
                return;
            }
            if (!ServerSetup.binaryLogs(connection).contains(at.file())) {
                String msg = "the checkpointed binlog position " + at + " is no longer on the server: binlog file "
                        + at.file() + " was purged (the server has " + ServerSetup.binaryLogs(connection) + ")";
                if (config.onPositionLost() == OnPositionLost.HEAL) {
                    healFrom = Optional.of(at);
                    streamFrom = PositionHeal.currentEnd(connection, gtids);
                    LOG.warn("{}; on-position-lost: heal", msg);
                    return;
                }
                if (config.snapshotMode() == SnapshotMode.WHEN_NEEDED) {
                    LOG.warn("{}; snapshot-mode when-needed: taking a new snapshot", msg);
                    startSnapshot(Optional.empty());
                    return;
                }
                throw PositionHeal.refusal(msg, null);
            }
            // the transaction's start, by file and offset and (when used) by the GTID position before it
            BinlogPosition start = new BinlogPosition(at.file(), at.offset(), 0, Optional.empty(),
                    gtids ? at.gtidSet() : Optional.empty());
            if ("true".equals(snap)) {
                SnapshotState state = SnapshotState.from(at.row(), p.offsets());
                LOG.info("the checkpoint is inside an unfinished snapshot (event {} of it): resuming the snapshot",
                        at.row());
                startSnapshot(Optional.of(new SnapshotReader.Resume(state, start)));
                return;
            }
            streamFrom = start;
            resumedStream = true;
            // the snapshot's last event and a heal's TRUNCATEs sort before their place: nothing there was read yet
            if (!"last".equals(snap) && !BinlogPosition.isJustBefore(p)) {
                skipThrough = Optional.of(at);
            }
            LOG.info("resuming after {}{}", at, start.gtidSet().isPresent() ? " by GTID position " + start.gtidSet().get()
                    : " by binlog file and offset");
            return;
        }
        if (config.snapshotMode() == SnapshotMode.NEVER) {
            BinlogPosition end = ServerSetup.masterStatus(connection);
            streamFrom = gtids ? end.withGtidSet(ServerSetup.gtidPosition(connection, end)) : end;
            LOG.info("snapshot-mode never: streaming from the binlog's current end {}", streamFrom);
            return;
        }
        startSnapshot(Optional.empty());
    }

    /**
     * setup: auto creates the watermark table when missing; a user who may not only gets a warning (the
     * stream needs no watermark table; backfills then fail naming the statement).
     */
    private void watermarkTableReady() throws SQLException {
        if (watermarks.exists(connection)) {
            return;
        }
        if (config.setup() == WatermarkSetup.MANUAL) {
            LOG.warn("{}", watermarks.missing("runs with setup: manual"));
            return;
        }
        try {
            watermarks.create(connection);
            LOG.info("setup: auto: created the watermark table {}", watermarks.table());
        } catch (CdcException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    @Override
    public List<String> setupStatements() {
        return watermarks.createStatements();
    }

    @Override
    public List<String> dropStatements() {
        return watermarks.dropStatements();
    }

    @Override
    public void setUp() throws Exception {
        try (Connection c = connect()) {
            watermarks.create(c);
        }
    }

    @Override
    public void drop() throws Exception {
        try (Connection c = connect(); java.sql.Statement s = c.createStatement()) {
            for (String sql : watermarks.dropStatements()) {
                s.execute(sql);
            }
        }
    }

    private void startSnapshot(Optional<SnapshotReader.Resume> resume) throws SQLException {
        snapshot = SnapshotReader.begin(config, this::connect, history, resume);
        streamFrom = snapshot.binlogPosition();
    }

    @Override
    public void run(SourceContext context) throws Exception {
        if (snapshot != null) {
            BinlogPosition start = snapshot.binlogPosition();
            boolean finished = snapshot.read(context);
            snapshot.close();
            snapshot = null;
            if (!finished || context.isStopping()) {
                return;
            }
            if (config.snapshotMode() == SnapshotMode.INITIAL_ONLY) {
                backfillWithoutStream(context, start, AFTER_SNAPSHOT);
                return;
            }
        }
        if (initialOnlyDone.isPresent()) {
            Position p = initialOnlyDone.get();
            if (BinlogPosition.isJustBefore(p)) { // an earlier run's backfill event: continue after it
                backfillWithoutStream(context, BinlogPosition.from(p), BinlogPosition.from(p).row() + 1);
            } else {
                backfillWithoutStream(context, PositionHeal.currentEnd(metadataConnection(), gtids), AFTER_SNAPSHOT);
            }
            return;
        }
        if (healFrom.isPresent()) {
            PositionHeal.heal(config, metadataConnection(), context, healFrom.get(), streamFrom);
            healFrom = Optional.empty();
            resumedStream = false;
        }
        NewlyCaptured captures = new NewlyCaptured(config, context);
        captures.atStart(metadataConnection(), streamFrom, resumedStream);
        BinlogReader reader = new BinlogReader(config, history, t -> SchemaReader.read(metadataConnection(), t),
                streamFrom, skipThrough);
        Optional<BinlogPosition> lastEmitted = skipThrough;
        backfills = new MySqlBackfills(config, this::connect, context);
        ReconnectBudget reconnects = ReconnectBudget.of(config.reconnectTimeout());
        while (!context.isStopping()) {
            try {
                if (binlog == null) {
                    binlog = BinlogConnection.open(config, reader.resumePoint());
                    if (reconnects.failing()) {
                        LOG.info("reconnected to the binlog at {} after {} attempt(s) over {} s; the reconnect budget"
                                + " starts over", reader.resumePoint(), reconnects.attempts(),
                                reconnects.outage().toSeconds());
                    }
                    reconnects.connected();
                }
                backfills.poll(false);
                Event e = binlog.poll(200);
                if (e == null) {
                    backfills.poll(true);
                    continue;
                }
                List<StreamEvent> out = reader.handle(e);
                captures.handled(e, reader.transaction());
                if (!out.isEmpty()) {
                    context.emit(out);
                    lastEmitted = Optional.of(BinlogPosition.from(out.get(out.size() - 1).position()));
                }
                backfills.handled(e, out, reader);
            } catch (BinlogGoneException ex) {
                if (config.onPositionLost() != OnPositionLost.HEAL) {
                    throw ex;
                }
                closeBinlog();
                BinlogPosition lost = reader.resumePoint();
                streamFrom = PositionHeal.currentEnd(metadataConnection(), gtids);
                LOG.warn("{}; on-position-lost: heal", ex.getMessage());
                PositionHeal.heal(config, metadataConnection(), context, lost, streamFrom);
                reader = new BinlogReader(config, history, t -> SchemaReader.read(metadataConnection(), t), streamFrom,
                        Optional.empty());
                lastEmitted = Optional.empty();
                backfills.restart();
            } catch (RetriableException ex) {
                closeBinlog();
                backfills.restart();
                if (context.isStopping()) {
                    return;
                }
                boolean first = !reconnects.failing();
                Optional<Duration> backoff = reconnects.failed();
                if (backoff.isEmpty()) {
                    throw new RetriableException("could not reconnect to " + config + " within reconnect-timeout "
                            + config.reconnectTimeout() + " (" + reconnects.attempts() + " attempts over "
                            + reconnects.outage().toSeconds() + " s): " + ex.getMessage(), ex);
                }
                if (first) {
                    LOG.warn("lost the binlog connection ({}); reconnecting from {} for up to {}", ex.getMessage(),
                            reader.resumePoint(), config.reconnectTimeout());
                } else {
                    LOG.debug("reconnecting failed ({}); next attempt in {} ms", ex.getMessage(),
                            backoff.get().toMillis());
                }
                // the new reader starts at the first unfinished transaction and skips what was handed over
                reader = new BinlogReader(config, history, t -> SchemaReader.read(metadataConnection(), t),
                        reader.resumePoint(), lastEmitted);
                Thread.sleep(backoff.get().toMillis());
            }
        }
    }

    /**
     * snapshot-mode initial-only: the queued backfills, read to their end with no binlog
     * ({@link LoglessBackfills}), their events {@link BinlogPosition#justBefore} {@code place}
     * numbered from {@code first}: after every snapshot event (numbered below 2^31 at the snapshot's
     * place) and every event of an earlier run, and a restart from one reads no binlog either.
     */
    private void backfillWithoutStream(SourceContext context, BinlogPosition place, long first) throws Exception {
        try (MySqlBackfills database = new MySqlBackfills(config, this::connect, context)) {
            LoglessBackfills.run(context, database, config.backfillChunkSize(), first, place::justBefore);
        }
        LOG.info("snapshot-mode initial-only: done{}", context.backfills().isEmpty() ? ""
                : " (backfills left: the pipeline is stopping)");
    }

    private Connection metadataConnection() throws SQLException {
        if (connection == null || !connection.isValid(2)) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // replaced below
                }
            }
            connection = connect();
        }
        return connection;
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", config.user());
        p.setProperty("password", config.password());
        try {
            return DriverManager.getConnection(config.jdbcUrl(), p);
        } catch (SQLTransientConnectionException e) {
            throw new RetriableException("could not connect to " + config + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            if (e.getErrorCode() == 1045) {
                throw new CdcException("the server refused user '" + config.user() + "' (" + e.getMessage()
                        + "): check the user and password options", e);
            }
            if (e.getErrorCode() == 1044 || e.getErrorCode() == 1049) {
                throw new CdcException("cannot use database '" + config.database() + "' (" + e.getMessage()
                        + "): check the database option and GRANT SELECT ON `" + config.database() + "`.* TO '"
                        + config.user() + "'", e);
            }
            throw new RetriableException("could not connect to " + config + ": " + e.getMessage(), e);
        }
    }

    private void closeBinlog() {
        BinlogConnection b = binlog;
        binlog = null;
        if (b != null) {
            b.close();
        }
    }

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
        closeBinlog();
        if (backfills != null) {
            backfills.close();
        }
        if (snapshot != null) {
            snapshot.close();
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing a connection failed", e);
            }
        }
    }
}
