package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Filter;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.Transformer;
import dev.cdc.core.metrics.PipelineMetrics;
import dev.cdc.core.schema.SchemaGate;
import dev.cdc.core.spec.PipelineStatus;
import dev.cdc.core.spec.SinkSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One sink's lane: a bounded {@link LaneQueue} fed by the ingest stage, and one worker thread
 * that applies the sink's own filters and transforms, writes and flushes through the lane's
 * {@link Delivery}, hands what the delivery gave up on to the failure policy ({@link Rejections}),
 * and acknowledges what is durable. One worker keeps per-key order. Each schema change goes
 * through the sink's {@link SchemaGate}: applied between the last event of the old shape and the
 * first of the new, ignored, or stopping the pipeline with the acknowledgement just before it.
 */
final class SinkLane implements Runnable {

    /** What a lane needs from its pipeline. */
    interface Owner {
        /** True when the pipeline is failing: blocked producers give up and lanes stop taking work. */
        boolean isAborting();

        void laneFailed(SinkLane lane, Throwable cause);
    }

    private static final Logger LOG = LoggerFactory.getLogger(SinkLane.class);

    private final SinkSpec spec;
    private final Sink sink;
    private final Optional<Sink> deadLetter;
    private final TransformChain chain;
    private final LaneStats stats;
    private final Owner owner;
    private final Duration pollInterval;
    private final Delivery delivery;
    private final Rejections rejections;
    private final SchemaGate gate;
    private final LaneQueue queue;
    private final Set<TableId> replayNoticed = new HashSet<>();

    private volatile long ackedSequence = -1;
    private volatile Position ackedPosition;
    private volatile boolean finished;

    SinkLane(SinkSpec spec, Sink sink, Optional<Sink> deadLetter, List<Filter> filters, List<Transformer> transforms,
             PipelineMetrics metrics, Owner owner, Clock clock, Duration pollInterval, SchemaGate gate) {
        this.spec = spec;
        this.gate = gate;
        this.sink = sink;
        this.deadLetter = deadLetter;
        this.chain = new TransformChain(filters, transforms);
        this.stats = new LaneStats(spec.name(), spec.sink().type(), metrics, clock);
        this.owner = owner;
        this.pollInterval = pollInterval;
        this.queue = new LaneQueue(spec.queueCapacity());
        this.delivery = new Delivery("sink '" + spec.name() + "'", spec.retry(), stats, owner::isAborting);
        this.rejections = new Rejections(spec, sink, deadLetter, stats, owner::isAborting);
        stats.metrics().gauge("cdc.sink.queue.depth", "Events waiting in the sink's lane", queue, LaneQueue::depth);
        stats.metrics().gauge("cdc.sink.outage.seconds", "How long the sink's target has been unreachable; 0 "
                + "when it is not", stats, LaneStats::outageSeconds);
        stats.metrics().gauge("cdc.sink.lag.seconds", "Commit time to sink acknowledgement", stats,
                LaneStats::lagSeconds);
    }

    String name() {
        return spec.name();
    }

    Sink sink() {
        return sink;
    }

    Optional<Sink> deadLetterSink() {
        return deadLetter;
    }

    /** The highest sequence every earlier event of which this lane has handled durably; -1 for none. */
    long ackedSequence() {
        return ackedSequence;
    }

    Position ackedPosition() {
        return ackedPosition;
    }

    boolean isFinished() {
        return finished;
    }

    double lagSeconds() {
        return stats.lagSeconds();
    }

    /**
     * Appends a batch, blocking while the lane is full.
     *
     * @return false if the pipeline is aborting (or the lane ended) and the batch was not queued
     */
    boolean enqueue(LaneBatch batch, Runnable whileWaiting) throws InterruptedException {
        return queue.offer(batch, () -> owner.isAborting() || finished, whileWaiting);
    }

    /** Asks the lane to finish what is queued and end. */
    void end() {
        queue.end();
    }

    @Override
    public void run() {
        try {
            for (List<LaneBatch> unit = queue.take(spec.batchSize(), pollInterval); unit != null;
                 unit = queue.take(spec.batchSize(), pollInterval)) {
                if (!unit.isEmpty()) {
                    process(unit);
                    queue.release(unit);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.info("sink '{}': interrupted, {} events left unacknowledged", spec.name(), queue.depth());
        } catch (Throwable t) {
            owner.laneFailed(this, t);
        } finally {
            finished = true;
        }
    }

    private void process(List<LaneBatch> unit) throws Exception {
        LaneBatch last = unit.get(unit.size() - 1);
        stats.inFlight(unit.get(0).firstCommitTime());
        List<LaneEntry> out = new ArrayList<>();
        Instant lastCommit = null;
        for (LaneBatch b : unit) {
            for (LaneEntry entry : b.entries()) {
                lastCommit = entry.event().commitTime();
                Optional<? extends StreamEvent> t = chain.apply(entry.event());
                if (t.isPresent()) {
                    out.add(entry.withEvent(t.get()));
                } else if (entry.fromSource()) {
                    stats.filtered();
                }
            }
        }
        List<ChangeEvent> run = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            LaneEntry entry = out.get(i);
            if (entry.event() instanceof ChangeEvent c) {
                if (gate.handledBefore(c)) {
                    replayedBeforeMigration(c);
                } else {
                    run.add(gate.project(c));
                }
                continue;
            }
            deliver(run);
            run = new ArrayList<>();
            try {
                schemaChange(entry);
            } catch (Exception failure) {
                // everything before the change is durable: the checkpoint may go up to just before it
                // (a catch-up sits at the position of the row after it, which is not written yet)
                for (int j = i - 1; j >= 0; j--) {
                    if (out.get(j).fromSource()) {
                        ackedPosition = out.get(j).event().position();
                        ackedSequence = out.get(j).sequence();
                        break;
                    }
                }
                throw failure;
            }
        }
        deliver(run);
        ackedPosition = last.lastPosition();
        ackedSequence = last.lastSequence();
        stats.acknowledged(lastCommit);
    }

    /**
     * A row replayed after a restart that the sink handled before it applied a later schema change
     * of the row's table: not written again (it has the older shape). Logged once per table and run.
     */
    private void replayedBeforeMigration(ChangeEvent row) {
        stats.filtered();
        if (replayNoticed.add(row.table())) {
            LOG.info("sink '{}': skipping replayed rows of {} before {}: the sink handled them before it applied the "
                    + "schema change there (to send a sink everything again, remove {} from the state directory too)",
                    spec.name(), row.table(), gate.acceptedFor(row).map(v -> v.position().toString()).orElse("?"),
                    SchemaGate.fileName(spec.name()));
        }
    }

    /** A schema change reached the lane: applied, ignored or stopping the pipeline, as the sink's gate decides. */
    private void schemaChange(LaneEntry entry) throws Exception {
        SchemaChangeEvent change = (SchemaChangeEvent) entry.event();
        SchemaGate.Decision decision = gate.decide(change, entry.schemaVersion(), entry.catchUp());
        String table = change.table().toString();
        if (decision instanceof SchemaGate.Decision.Apply apply) {
            if (applySchemaChange(apply.event())) {
                gate.accepted(apply, entry.schemaVersion());
                if (apply.migration()) {
                    stats.schemaChange(table, "applied");
                    LOG.info("sink '{}': applied the schema change of {} at {}: {}", spec.name(), table,
                            change.position(), SchemaGate.describe(apply.event().changes(), apply.verdicts()));
                }
            }
        } else if (decision instanceof SchemaGate.Decision.Skip skip) {
            if (entry.catchUp()) {
                return; // the change itself was ignored (and counted) when it passed
            }
            stats.schemaChange(table, "ignored");
            LOG.info("sink '{}': ignored the schema change of {} at {} (schema-policy ignore): {}; its rows keep the "
                    + "columns {}", spec.name(), table, change.position(),
                    SchemaGate.describe(skip.changes(), skip.verdicts()), skip.event().before()
                            .map(b -> b.columnNames().toString()).orElse("?"));
        } else if (decision instanceof SchemaGate.Decision.Stop stop) {
            stats.schemaChange(table, "stopped");
            throw stop.error();
        }
    }

    /** Applies a schema change and flushes; false when the failure policy skipped it. */
    private boolean applySchemaChange(SchemaChangeEvent change) throws Exception {
        Delivery.Outcome outcome = delivery.run(() -> {
            sink.applySchemaChange(change);
            sink.flush();
        });
        if (outcome.succeeded()) {
            return true;
        }
        stats.failed();
        Exception e = outcome.failure().get();
        if (rejections.skipsSchemaChanges()) {
            stats.skipped();
            LOG.warn("sink '{}': skipped {}: {}", spec.name(), SinkFailureException.describe(change), e.toString());
            return false;
        }
        throw new SinkFailureException(spec.name(), change, outcome.attempts(), e);
    }

    /** Writes and flushes the events through the delivery; what it gives up on takes the failure policy. */
    private void deliver(List<ChangeEvent> events) throws Exception {
        if (events.isEmpty()) {
            return;
        }
        PendingWrite pending = new PendingWrite(sink, events, stats, rejections);
        Delivery.Outcome outcome = delivery.run(pending::attempt);
        if (!outcome.succeeded()) {
            rejections.exhausted(pending.events(), outcome.attempts(), outcome.failure().get(), delivery);
        }
    }

    PipelineStatus.SinkStatus status() {
        return stats.status(queue.depth(), Optional.ofNullable(ackedPosition), PipelineStatus.LaneState.STREAMING,
                PipelineStatus.Backlog.EMPTY, Optional.empty());
    }
}
