package dev.cdc.source.postgres;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.PluginMetrics;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.jdbc.snapshot.ReconnectBudget;
import dev.cdc.jdbc.snapshot.SnapshotMode;
import dev.cdc.jdbc.snapshot.SnapshotState;
import dev.cdc.source.postgres.catalog.CapturedTable;
import dev.cdc.source.postgres.catalog.CatalogTable;
import dev.cdc.source.postgres.catalog.RelationResolver;
import dev.cdc.source.postgres.catalog.TableCatalog;
import dev.cdc.source.postgres.decoding.EventAssembler;
import dev.cdc.source.postgres.decoding.PgOutputDecoder;
import dev.cdc.source.postgres.decoding.TransactionSpool;
import dev.cdc.source.postgres.decoding.WatermarkFilter;
import dev.cdc.source.postgres.backfill.CaptureWatch;
import dev.cdc.source.postgres.backfill.CapturedTables;
import dev.cdc.source.postgres.backfill.PgBackfillDatabase;
import dev.cdc.source.postgres.backfill.PgBackfills;
import dev.cdc.source.postgres.position.PgPosition;
import dev.cdc.source.postgres.replication.Connections;
import dev.cdc.source.postgres.replication.IdleConfirmation;
import dev.cdc.source.postgres.replication.PublicationSetup;
import dev.cdc.source.postgres.replication.SetupCheck;
import dev.cdc.source.postgres.replication.SlotInfo;
import dev.cdc.source.postgres.replication.SlotMonitor;
import dev.cdc.source.postgres.replication.SlotPlanner;
import dev.cdc.source.postgres.replication.SlotPlanner.Plan;
import dev.cdc.source.postgres.replication.WalStream;
import dev.cdc.source.postgres.snapshot.SnapshotPlan;
import dev.cdc.source.postgres.snapshot.SnapshotReader;
import dev.cdc.source.postgres.snapshot.SnapshotTable;
import dev.cdc.source.postgres.types.TypeRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * The PostgreSQL source: an optional snapshot inside the slot's exported snapshot, then
 * pgoutput logical replication from the slot's consistent point. What to do with the slot and
 * the checkpoint (and healing a lost slot) is {@link SlotPlanner}'s; which tables a snapshot reads
 * is {@link SnapshotPlan}'s; backfills run between batches of the stream ({@link PgBackfills}:
 * chunks between watermarks written through the WAL, newly captured tables, heals).
 *
 * <h2>Threads</h2>
 * {@code open}, {@code run} and {@code close} on the source thread; {@link #commit} on the
 * engine's checkpoint thread, which only records the LSN ({@link IdleConfirmation#committed}, in
 * atomics); the source thread hands it to the server ({@link WalStream#acknowledge}) between
 * reads, and confirms WAL without captured changes between heartbeats ({@link IdleConfirmation}).
 */
public final class PostgresSource implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSource.class);

    private final Configuration options;
    private final PluginMetrics metrics;
    private final Connections connections;
    private final String slot;
    private final String publication;
    private final SnapshotMode mode;
    private final int batchSize;

    private final IdleConfirmation progress;
    private final CapturedTables captured;
    private volatile double lagMillis;
    private final ReconnectBudget reconnects;
    private SlotMonitor slotMonitor;

    private Connection catalogConnection;
    private TypeRegistry types;
    private TableCatalog catalog;
    private Set<TableId> selected = Set.of();
    private List<TableId> selectedOrder = List.of();
    private Connection replicationConnection;
    private WalStream stream;
    private Plan plan = Plan.STREAM;
    /** The lost checkpoint's LSN when the slot was healed and its backfills are not requested yet. */
    private Optional<String> healedFrom = Optional.empty();
    private int serverVersion;
    private PgBackfills backfills;
    private CaptureWatch captureWatch;
    /** Newly captured tables whose schema event may not be emitted yet: announced again by a new session. */
    private final Set<TableId> unannounced = new HashSet<>();
    /** The previous streaming session's assembler: which of {@link #unannounced} it emitted. */
    private EventAssembler previous;
    private String snapshotName;
    /** The captured database's name (pgjdbc's catalog): the {@code db} offset of every position. */
    private String databaseName = "";
    private long consistentPoint;
    private Position resumeSnapshot;
    private long startLsn;
    private long skipLsn = -1;
    private int skipIndex = -1;
    /** The replication connection was closed while waiting for the pipeline (the server is stopping). */
    private boolean releasedWhileWaiting;
    private PluginMetrics.Counter eventCounter;
    private volatile boolean closed;

    PostgresSource(Configuration options, PluginMetrics metrics, Optional<Path> stateDirectory) {
        this.options = options;
        this.metrics = metrics;
        this.connections = new Connections(options.get(PostgresSourceOptions.URL),
                options.get(PostgresSourceOptions.USER), options.get(PostgresSourceOptions.PASSWORD));
        this.slot = options.get(PostgresSourceOptions.SLOT);
        this.publication = options.getOptional(PostgresSourceOptions.PUBLICATION).orElse(slot);
        this.mode = options.get(PostgresSourceOptions.SNAPSHOT_MODE);
        this.batchSize = options.get(PostgresSourceOptions.BATCH_SIZE);
        this.reconnects = ReconnectBudget.of(options.get(PostgresSourceOptions.RECONNECT_TIMEOUT));
        this.progress = new IdleConfirmation(slot, publication);
        this.captured = CapturedTables.open(stateDirectory);
    }

    // ---------------------------------------------------------------- open

    @Override
    public void open(SourceContext context) throws Exception {
        PluginMetrics m = context.metrics() != PluginMetrics.NOOP ? context.metrics() : metrics;
        eventCounter = m.counter("cdc.source.postgres.events", "Events emitted by the PostgreSQL source");
        m.gauge("cdc.source.postgres.lag.ms", "Milliseconds between a transaction's commit and its emission",
                () -> lagMillis);
        slotMonitor = new SlotMonitor(() -> connections.regular("slot-monitor"), slot,
                options.get(PostgresSourceOptions.SLOT_RETENTION_WARNING),
                options.get(PostgresSourceOptions.SLOT_CHECK_INTERVAL), context::retentionAtRisk);
        slotMonitor.registerGauges(m);
        openCatalog();
        serverVersion = SetupCheck.checkServer(catalogConnection, options.get(PostgresSourceOptions.FAILOVER_SLOT));
        selectTables();
        ensurePublication();
        apply(planner().decide(context.resumePosition()));
        backfills = new PgBackfills(context, new PgBackfillDatabase(connections, () -> catalogConnection,
                () -> catalog, () -> types, t -> selected.contains(t)),
                options.get(PostgresSourceOptions.BACKFILL_CHUNK_SIZE), serverVersion, slot);
    }

    private void openCatalog() throws SQLException {
        catalogConnection = connections.regular("catalog");
        types = new TypeRegistry(catalogConnection);
        databaseName = catalogConnection.getCatalog();
        types.load();
        catalog = new TableCatalog(catalogConnection);
    }

    private void selectTables() throws SQLException {
        selectedOrder = new PublicationSetup(catalogConnection, catalog, connections, publication)
                .selectTables(options.get(PostgresSourceOptions.TABLES));
        selected = Set.copyOf(selectedOrder);
    }

    private void ensurePublication() throws SQLException {
        new PublicationSetup(catalogConnection, catalog, connections, publication)
                .ensurePublication(selectedOrder, options.get(PostgresSourceOptions.TABLES).isEmpty());
    }

    private SlotPlanner planner() {
        return new SlotPlanner(catalogConnection, connections, slot, mode,
                options.get(PostgresSourceOptions.ON_POSITION_LOST), options.get(PostgresSourceOptions.FAILOVER_SLOT),
                progress.mark());
    }

    private void apply(SlotPlanner.Decision d) {
        plan = d.plan;
        startLsn = d.startLsn;
        skipLsn = d.skipLsn;
        skipIndex = d.skipIndex;
        consistentPoint = d.consistentPoint;
        snapshotName = d.snapshotName;
        resumeSnapshot = d.resumeSnapshot;
        if (d.replicationConnection != null) {
            replicationConnection = d.replicationConnection;
        }
        healedFrom = d.healedFrom;
    }

    // ---------------------------------------------------------------- run

    @Override
    public boolean canBackfill() {
        return true;
    }

    @Override
    public void run(SourceContext context) throws Exception {
        boolean healing = healedFrom.isPresent();
        requestHealBackfills(context);
        unannounced.addAll(backfills.coverAtStart(captured, selectedOrder, plan == Plan.STREAM && !healing));
        if (plan != Plan.STREAM) {
            if (!snapshot(context)) {
                return;
            }
            if (mode == SnapshotMode.INITIAL_ONLY) {
                backfills.runWithoutStream(consistentPoint, databaseName);
                LOG.info("snapshot finished{}; snapshot-mode initial-only: done", context.backfills().isEmpty() ? ""
                        : " (backfills left: the pipeline is stopping)");
                return;
            }
        }
        streamWithReconnects(context);
    }

    private boolean snapshot(SourceContext context) throws Exception {
        SnapshotState state = resumeSnapshot == null ? null : PgPosition.snapshotState(resumeSnapshot);
        List<SnapshotTable> tables = SnapshotPlan.tables(selectedOrder, state, resumeSnapshot, slot, catalog, types);
        SnapshotReader reader = new SnapshotReader(connections::regular, consistentPoint,
                options.get(PostgresSourceOptions.SNAPSHOT_CHUNK_SIZE), batchSize,
                options.get(PostgresSourceOptions.SNAPSHOT_PARALLELISM), events -> emit(context, SnapshotPlan.withDatabase(events, databaseName)),
                context::snapshotProgress, context::isStopping);
        if (!reader.read(tables, plan == Plan.SNAPSHOT_NEW ? snapshotName : null, state)) {
            return false;
        }
        if (mode == SnapshotMode.INITIAL_ONLY) {
            closeReplication();
        }
        return true;
    }

    private void emit(SourceContext context, List<StreamEvent> events) throws InterruptedException {
        context.emit(events, this::whileWaiting);
        eventCounter.increment(events.size());
    }

    /**
     * While the pipeline is full (source thread): answers the walsender with the checkpoint
     * ({@link IdleConfirmation#keepAlive}); lets the replication connection go when the server is
     * shutting down; keeps watching the slot's retention.
     */
    private void whileWaiting() {
        if (stream != null && !releasedWhileWaiting && !progress.keepAlive(stream, catalogConnection)) {
            releasedWhileWaiting = true;
            closeQuietly(replicationConnection);
        }
        slotMonitor.poll();
    }

    private void requestHealBackfills(SourceContext context) throws InterruptedException {
        if (healedFrom.isPresent()) {
            backfills.healed(healedFrom.get(), consistentPoint, selectedOrder, databaseName, events -> {
                emit(context, events);
                progress.emitted(consistentPoint, PgPosition.index(events.get(events.size() - 1).position()));
            });
            healedFrom = Optional.empty();
        }
    }

    private void streamWithReconnects(SourceContext context) throws Exception {
        while (!context.isStopping()) {
            try {
                stream(context);
                return;
            } catch (SQLException | IOException e) {
                if (context.isStopping() || closed) {
                    return;
                }
                Optional<Duration> backoff = reconnects.failed();
                if (backoff.isEmpty()) {
                    throw new RetriableException("lost the connection to " + connections.url() + " and could not "
                            + "reconnect within reconnect-timeout " + reconnects.timeout() + " (" + reconnects.attempts()
                            + " attempts over " + reconnects.outage().toSeconds() + " s): " + e.getMessage(), e);
                }
                LOG.warn("replication from {} failed ({}); reconnecting in {} ms (attempt {}, outage {} s of "
                        + "reconnect-timeout {})", connections.url(), e.getMessage(), backoff.get().toMillis(),
                        reconnects.attempts(), reconnects.outage().toSeconds(), reconnects.timeout());
                closeReplication();
                closeQuietly(catalogConnection);
                catalogConnection = null;
                slotMonitor.close();
                Thread.sleep(backoff.get().toMillis());
                long[] emitted = progress.lastEmitted();
                if (emitted != null) {
                    startLsn = emitted[0];
                    skipLsn = emitted[0];
                    skipIndex = (int) emitted[1];
                }
            }
        }
    }

    private void stream(SourceContext context) throws Exception {
        if (catalogConnection == null || !catalogConnection.isValid(2)) {
            closeQuietly(catalogConnection);
            openCatalog();
        }
        Optional<SlotPlanner.Decision> healed = planner().checkWhileStreaming(startLsn);
        if (healed.isPresent()) {
            closeReplication();
            apply(healed.get());
            progress.forgetEmitted();
            requestHealBackfills(context);
        }
        Optional<SlotInfo> info = SlotInfo.read(catalogConnection, slot);
        if (info.isEmpty()) {
            SetupCheck.require(SetupCheck.slotMissing(slot, PgPosition.formatLsn(startLsn),
                    options.get(PostgresSourceOptions.FAILOVER_SLOT)));
        }
        if (info.get().active() && replicationConnection == null) {
            // our previous walsender may not have noticed the lost connection yet
            throw new SQLException("slot " + slot + " is still active (pid " + info.get().activePid() + ")");
        }
        long slotFlush = info.get().confirmedFlush();
        if (replicationConnection == null) {
            replicationConnection = connections.replication();
        }
        int protocol = options.get(PostgresSourceOptions.PROTOCOL_VERSION);
        Map<String, String> pluginOptions = WalStream.pgoutputOptions(protocol, publication,
                options.get(PostgresSourceOptions.MESSAGES) || heartbeatMillis() > 0 || backfills.supported(),
                options.get(PostgresSourceOptions.STREAMING));
        // status updates report no flush position except the one acknowledging a checkpoint (WalStream)
        stream = WalStream.start(replicationConnection, slot, Math.max(0, startLsn), pluginOptions,
                options.get(PostgresSourceOptions.STATUS_INTERVAL).toMillis());
        // the slot may be behind what was acknowledged before (PostgreSQL < 17 does not persist a logical
        // slot's confirmed_flush_lsn at shutdown when only it changed): acknowledge the checkpoint again
        progress.streaming(slotFlush);
        if (reconnects.failing()) {
            LOG.info("reconnected to {} after {} attempt(s) over {} s; the reconnect budget starts over",
                    connections.url(), reconnects.attempts(), reconnects.outage().toSeconds());
        }
        reconnects.connected();
        releasedWhileWaiting = false;
        LOG.info("streaming from slot {} at {} (publication {}, protocol {})", slot,
                PgPosition.formatLsn(Math.max(startLsn, slotFlush)), publication, protocol);

        List<StreamEvent> batch = new ArrayList<>(batchSize);
        boolean messages = options.get(PostgresSourceOptions.MESSAGES);
        List<String> prefixes = options.get(PostgresSourceOptions.MESSAGE_PREFIXES);
        EventAssembler assembler = new EventAssembler(new RelationResolver(catalog, types)::resolve,
                t -> t.equals(EventAssembler.MESSAGES) ? messages : selected.contains(t),
                event -> {
                    backfills.changed(event);
                    batch.add(event);
                    if (batch.size() >= batchSize) {
                        flushBatch(context, batch);
                    }
                });
        assembler.skipUpTo(skipLsn, skipIndex);
        assembler.messagePrefixes(p -> prefixes.isEmpty() || prefixes.contains(p));
        assembler.database(databaseName);
        EventAssembler before = previous;
        if (before != null) {
            unannounced.removeIf(t -> !before.schemaPending(t));
        }
        previous = assembler;
        for (TableId t : selectedOrder) {
            Optional<CatalogTable> ct = catalog.find(t);
            if (ct.isPresent() && unannounced.contains(t)) {
                assembler.announce(CapturedTable.of(ct.get(), types));
            } else if (ct.isPresent()) {
                assembler.knowSchema(CapturedTable.of(ct.get(), types).schema());
            }
        }
        backfills.restart();
        captureWatch = new CaptureWatch(options.get(PostgresSourceOptions.TABLES));
        WatermarkFilter watermarks = new WatermarkFilter(assembler, (lsn, text) -> {
            flushBatch(context, batch);
            backfills.watermark(lsn, text, databaseName, assembler::announced, events -> {
                emit(context, events);
                progress.emitted(lsn, PgPosition.index(events.get(events.size() - 1).position()));
            });
        });
        try (TransactionSpool spool = new TransactionSpool(null)) {
            PgOutputDecoder decoder = new PgOutputDecoder(watermarks, spool);
            progress.heartbeatsFromNow(heartbeatMillis());
            int idle = 0;
            int sinceAck = 0;
            while (!context.isStopping()) {
                byte[] message = stream.readPending();
                if (message != null) {
                    idle = 0;
                    decoder.decode(message, WalStream.PAYLOAD_OFFSET, message.length - WalStream.PAYLOAD_OFFSET,
                            WalStream.dataStart(message));
                    if (++sinceAck >= 4096) {
                        sinceAck = 0;
                        progress.acknowledge(stream);
                        slotMonitor.poll();
                        betweenBatches(context, assembler);
                    }
                    continue;
                }
                flushBatch(context, batch);
                progress.acknowledge(stream);
                betweenBatches(context, assembler);
                progress.idle(stream, catalogConnection,
                        plan == Plan.STREAM && skipLsn >= 0 ? new long[] {skipLsn, skipIndex} : null);
                slotMonitor.poll();
                idle++;
                LockSupport.parkNanos(idle < 2000 ? 100_000L : 10_000_000L);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            flushBatch(context, batch);
        }
    }

    /** Backfill chunks and newly captured tables, between batches of the stream. */
    private void betweenBatches(SourceContext context, EventAssembler assembler) throws SQLException {
        for (TableId t : captureWatch.newTables(new PublicationSetup(catalogConnection, catalog, connections,
                publication), catalog, selected)) {
            Optional<CatalogTable> ct = catalog.find(t);
            if (ct.isEmpty()) {
                continue;
            }
            List<TableId> order = new ArrayList<>(selectedOrder);
            order.add(t);
            selectedOrder = List.copyOf(order);
            selected = Set.copyOf(order);
            assembler.announce(CapturedTable.of(ct.get(), types));
            unannounced.add(t);
            backfills.captured(t, captured.requestId(slot, t));
            captured.record(selectedOrder);
        }
        backfills.poll();
    }

    private long heartbeatMillis() {
        return options.get(PostgresSourceOptions.HEARTBEAT_INTERVAL).toMillis();
    }

    private void flushBatch(SourceContext context, List<StreamEvent> batch) throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        StreamEvent last = batch.get(batch.size() - 1);
        emit(context, List.copyOf(batch));
        batch.clear();
        progress.emitted(PgPosition.lsn(last.position()), PgPosition.index(last.position()));
        lagMillis = Math.max(0, System.currentTimeMillis() - last.commitTime().toEpochMilli());
    }

    // ---------------------------------------------------------------- commit, close

    @Override
    public void commit(Position position) {
        if (PgPosition.isSnapshot(position)) {
            return; // the slot stays at its consistent point until streaming begins
        }
        progress.committed(PgPosition.lsn(position), PgPosition.index(position));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeReplication();
        closeQuietly(catalogConnection);
        catalogConnection = null;
        if (slotMonitor != null) {
            slotMonitor.close();
        }
        if (backfills != null) {
            backfills.close();
        }
    }

    private void closeReplication() {
        if (stream != null) {
            try {
                stream.close();
            } catch (SQLException e) {
                LOG.debug("closing the replication stream: {}", e.getMessage());
            }
            stream = null;
        }
        closeQuietly(replicationConnection);
        replicationConnection = null;
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing a connection: {}", e.getMessage());
            }
        }
    }
}
