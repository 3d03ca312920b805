package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.api.spi.PluginMetrics;
import dev.cdc.api.spi.SnapshotProgress;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.core.backfill.Backfills;
import dev.cdc.core.backfill.SignalTable;
import dev.cdc.core.metrics.PipelineMetrics;
import dev.cdc.core.schema.SchemaTracker;
import dev.cdc.core.spec.BacklogSettings;
import dev.cdc.schema.registry.SchemaVersion;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where events enter the engine: the {@link SourceContext} the source emits through. For each
 * emitted batch it registers schema changes in the pipeline's schema history, stamps rows with
 * their schema version (putting a catch-up schema change before the first row of a table whose
 * schema the stream has not announced in this run), numbers the source events, runs the
 * pipeline-wide filters and transforms, and offers the result to every lane as one
 * {@link LaneBatch} of {@link LaneEntry}s (an event naming its sinks in
 * {@link BackfillRequest#SINKS_HEADER} only to those: {@link SinkRouting}). The signal table's events
 * become backfill requests and reach no sink; the backfill methods go to {@link Backfills}. Called
 * from the source thread only (except {@link #sequence} and {@link #backfills()}).
 */
final class IngestStage implements SourceContext {

    private static final Logger LOG = LoggerFactory.getLogger(IngestStage.class);

    /** What the ingest stage needs from its pipeline. */
    interface Pipeline {
        String name();

        Optional<Position> resumePosition();

        boolean isStopping();

        boolean isAborting();

        void snapshotProgress(SnapshotProgress progress);

        /** The source waits on a full lane since {@code since}; empty once it goes on. */
        void sourceWaiting(Optional<Instant> since);
    }

    private final Pipeline pipeline;
    private final SchemaTracker schemas;
    private final TransformChain chain;
    private final List<SinkLane> lanes;
    private final PipelineMetrics metrics;
    private final PluginMetrics sourceMetrics;
    private final Clock clock;
    private final Backfills backfills;
    private final Optional<SignalTable> signalTable;
    private final AtomicLong sequence = new AtomicLong(-1);
    /** The schema version of each table the stream has announced or been caught up to in this run. */
    private final Map<TableId, Integer> announced = new ConcurrentHashMap<>();
    private final Map<String, SnapshotProgress> snapshotProgress = new ConcurrentHashMap<>();
    private volatile String waitingOn;
    private volatile String retentionWarning;
    private volatile LaneBatch lastBatch;

    IngestStage(Pipeline pipeline, SchemaTracker schemas, TransformChain chain, List<SinkLane> lanes,
                PipelineMetrics metrics, PluginMetrics sourceMetrics, Clock clock, Backfills backfills,
                Optional<SignalTable> signalTable) {
        this.pipeline = pipeline;
        this.schemas = schemas;
        this.chain = chain;
        this.lanes = List.copyOf(lanes);
        this.metrics = metrics;
        this.sourceMetrics = sourceMetrics;
        this.clock = clock;
        this.backfills = backfills;
        this.signalTable = signalTable;
    }

    /** The sequence of the last source event handed to the lanes; -1 before the first. */
    long sequence() {
        return sequence.get();
    }

    /** The snapshot progress the source reported, per table. */
    Map<String, SnapshotProgress> snapshotProgress() {
        return Map.copyOf(snapshotProgress);
    }

    @Override
    public String pipelineName() {
        return pipeline.name();
    }

    @Override
    public Optional<Position> resumePosition() {
        return pipeline.resumePosition();
    }

    @Override
    public void emit(List<? extends StreamEvent> events) throws InterruptedException {
        emit(events, () -> { });
    }

    @Override
    public void emit(List<? extends StreamEvent> events, Runnable whileWaiting) throws InterruptedException {
        if (events.isEmpty() || pipeline.isAborting()) {
            return;
        }
        long first = sequence.get() + 1;
        List<LaneEntry> entries = new ArrayList<>(events.size());
        boolean routed = false;
        for (int i = 0; i < events.size(); i++) {
            routed |= admit(events.get(i), first + i, entries);
        }
        metrics.captured.increment(events.size());
        metrics.processed.increment(entries.stream().filter(LaneEntry::fromSource).count());
        StreamEvent last = events.get(events.size() - 1);
        LaneBatch batch = new LaneBatch(entries, sequence.addAndGet(events.size()), last.position(),
                events.get(0).commitTime(), clock.instant());
        lastBatch = batch;
        for (SinkLane lane : lanes) {
            long start = System.nanoTime();
            boolean queued = lane.enqueue(routed ? SinkRouting.forLane(batch, lane.name()) : batch, () -> {
                if (waitingOn == null) {
                    waitingOn = lane.name();
                    pipeline.sourceWaiting(Optional.of(clock.instant().minusNanos(System.nanoTime() - start)));
                }
                whileWaiting.run();
            });
            if (waitingOn != null) {
                waitingOn = null;
                pipeline.sourceWaiting(Optional.empty());
            }
            if (!queued) {
                return;
            }
        }
    }

    /** The sink whose lane the source has been waiting on for a second or more, if it waits now. */
    Optional<String> waitingOn() {
        return Optional.ofNullable(waitingOn);
    }

    /** What the source said is at risk, while some sink that cannot be detached holds the position. */
    Optional<String> retentionWarning() {
        return Optional.ofNullable(retentionWarning);
    }

    /**
     * One source event: registered or stamped, a catch-up before it when needed, through the chain.
     *
     * @return true when the entry added names its sinks ({@link SinkRouting#routed})
     */
    private boolean admit(StreamEvent e, long seq, List<LaneEntry> entries) {
        if (signalTable.isPresent() && signalTable.get().owns(e)) {
            if (e instanceof ChangeEvent c) {
                signalTable.get().request(c).ifPresent(backfills::requestFromSource);
            }
            metrics.filtered.increment();
            return false;
        }
        LaneEntry entry;
        if (e instanceof ChangeEvent c) {
            Optional<SchemaVersion> v = schemas.versionOf(c);
            if (v.isPresent() && !Integer.valueOf(v.get().version()).equals(announced.put(c.table(), v.get().version()))) {
                // the stream has not said this table's schema in this run: the lanes check their
                // sinks against the history's version before the row
                SchemaChangeEvent catchUp = SchemaChangeEvent.of(v.get().schema(), c.position(), c.commitTime());
                chain.apply(catchUp).ifPresent(t -> entries.add(LaneEntry.catchUp((SchemaChangeEvent) t, v.get())));
            }
            entry = LaneEntry.row(schemas.stamp(c, v), seq);
        } else {
            SchemaTracker.Registered registered = schemas.register((SchemaChangeEvent) e);
            if (registered.version().isPresent()) {
                announced.put(e.table(), registered.version().get().version());
            } else {
                announced.remove(e.table());
            }
            entry = LaneEntry.schemaChange(registered.event(), seq, registered.version());
        }
        Optional<? extends StreamEvent> t = chain.apply(entry.event());
        if (t.isPresent()) {
            LaneEntry out = entry.withEvent(t.get());
            entries.add(out);
            return SinkRouting.routed(out);
        }
        metrics.filtered.increment();
        return false;
    }

    /**
     * The server may soon drop the position the pipeline holds. The lanes that hold it back (they
     * have not acknowledged everything handed to them) and whose {@code when-full} is
     * {@code detach} are detached at once, so the checkpoint (and the server's retained log) can
     * advance; any other lane holding it is named in the status, which makes health DEGRADED.
     */
    @Override
    public void retentionAtRisk(String reason) {
        LaneBatch last = lastBatch;
        List<String> holding = new ArrayList<>();
        for (SinkLane lane : lanes) {
            if (last == null || lane.detached().isPresent() || lane.ackedSequence() >= last.lastSequence()) {
                continue;
            }
            if (lane.whenFull() == BacklogSettings.WhenFull.DETACH) {
                lane.detach("the source's position was at risk: " + reason, last.lastPosition(), last.lastSequence());
            } else {
                holding.add(lane.name());
            }
        }
        retentionWarning = holding.isEmpty() ? null : "the source's position is at risk (" + reason + "), held back "
                + "by sink(s) " + String.join(", ", holding) + " whose backlog when-full is not detach";
        LOG.warn("source: the position this pipeline holds is at risk of being lost by the server: {}{}", reason,
                holding.isEmpty() ? "" : "; held back by sink(s) " + holding + " (when-full is not detach, so they "
                        + "stay attached)");
    }

    @Override
    public boolean isStopping() {
        return pipeline.isStopping();
    }

    @Override
    public PluginMetrics metrics() {
        return sourceMetrics;
    }

    @Override
    public void snapshotProgress(SnapshotProgress progress) {
        String table = progress.table().toString();
        if (snapshotProgress.put(table, progress) == null) {
            metrics.gauge("cdc.snapshot.rows.read", "Rows read by the snapshot", () -> rows(table, false),
                    "table", table);
            metrics.gauge("cdc.snapshot.rows.estimated", "Rows the snapshot expects to read",
                    () -> rows(table, true), "table", table);
        }
        pipeline.snapshotProgress(progress);
    }

    private Number rows(String table, boolean estimated) {
        SnapshotProgress p = snapshotProgress.get(table);
        if (p == null) {
            return 0;
        }
        if (estimated) {
            OptionalLong e = p.rowsEstimated();
            return e.isPresent() ? e.getAsLong() : -1;
        }
        return p.rowsRead();
    }

    @Override
    public List<BackfillRequest> backfills() {
        return backfills.toRun();
    }

    @Override
    public void requestBackfill(BackfillRequest request) {
        backfills.requestFromSource(request);
    }

    @Override
    public void backfillChunk(String id, List<String> lastKey, Position at, long rows, long rowsEstimated,
                              boolean finished) {
        backfills.chunk(id, lastKey, at, rows, rowsEstimated, finished);
    }

    @Override
    public void backfillFailed(String id, String reason) {
        backfills.failed(id, reason);
    }
}
