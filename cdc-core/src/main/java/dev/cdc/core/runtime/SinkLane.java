package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.Filter;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.Transformer;
import dev.cdc.core.metrics.PipelineMetrics;
import dev.cdc.core.schema.SchemaGate;
import dev.cdc.core.spec.BacklogSettings;
import dev.cdc.core.spec.PipelineStatus;
import dev.cdc.core.spec.SinkSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One sink's lane: a {@link LaneBuffer} (memory, then its on-disk backlog) fed by the ingest stage,
 * and one worker thread that applies the sink's own filters and transforms, writes and flushes
 * through the lane's {@link Delivery}, hands rejected records to the failure policy
 * ({@link Rejections}) and acknowledges what is durable. One worker keeps per-key order. Schema
 * changes go through {@link LaneSchemaChanges} (the sink's {@link SchemaGate}).
 */
final class SinkLane implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkLane.class);

    private final SinkSpec spec;
    private final Sink sink;
    private final Optional<Sink> deadLetter;
    private final TransformChain chain;
    private final LaneStats stats;
    private final LaneOwner owner;
    private final Duration pollInterval;
    private final Delivery delivery;
    private final Rejections rejections;
    private final SchemaGate gate;
    private volatile LaneBuffer buffer;
    private final Clock clock;
    private final LaneSchemaChanges schemaChanges;

    private volatile long ackedSequence = -1;
    private volatile Position ackedPosition;
    private volatile boolean finished;
    private volatile PipelineStatus.Detached detached;
    private volatile LaneBatch lastOffered;

    /**
     * @param backlog  the lane's on-disk backlog, when it spills
     * @param detached set when the sink was detached by an earlier run: the lane delivers nothing
     */
    SinkLane(SinkSpec spec, Sink sink, Optional<Sink> deadLetter, List<Filter> filters, List<Transformer> transforms,
             PipelineMetrics metrics, LaneOwner owner, Clock clock, Duration pollInterval, SchemaGate gate,
             Optional<Backlog> backlog, Optional<PipelineStatus.Detached> detached) {
        this.spec = spec;
        this.gate = gate;
        this.sink = sink;
        this.deadLetter = deadLetter;
        this.chain = new TransformChain(filters, transforms);
        this.stats = new LaneStats(spec.name(), spec.sink().type(), metrics, clock);
        this.owner = owner;
        this.pollInterval = pollInterval;
        this.clock = clock;
        this.detached = detached.orElse(null);
        this.buffer = new LaneBuffer(spec.queueCapacity(), backlog, spec.backlog(), clock);
        this.delivery = new Delivery("sink '" + spec.name() + "'", spec.retry(), stats, this::stopsWork);
        this.rejections = new Rejections(spec, sink, deadLetter, stats, this::stopsWork);
        this.schemaChanges = new LaneSchemaChanges(spec.name(), sink, gate, delivery, rejections, stats);
        stats.pending(() -> this.buffer.oldestCommitTime());
        LaneGauges.register(stats.metrics(), this, gate);
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

    /**
     * The lane's lag: of the oldest event it holds unacknowledged ({@link LaneStats#lagSeconds}),
     * and at least as long as the source has been waiting on a full lane, since every change the
     * database made meanwhile has reached no sink yet.
     */
    double lagSeconds() {
        double waiting = owner.sourceWaitingSince().map(t -> Duration.between(t, clock.instant()).toMillis() / 1000.0)
                .orElse(0.0);
        return Math.max(stats.lagSeconds(), waiting);
    }

    LaneStats stats() {
        return stats;
    }

    /** What the lane holds now (a re-attached lane has a new one). */
    LaneBuffer buffer() {
        return buffer;
    }

    /** True when the lane delivers nothing more: the pipeline aborts, or the sink was detached. */
    private boolean stopsWork() {
        return owner.isAborting() || detached != null;
    }

    Optional<PipelineStatus.Detached> detached() {
        return Optional.ofNullable(detached);
    }

    PipelineStatus.LaneState state() {
        return detached != null ? PipelineStatus.LaneState.DETACHED : buffer.state();
    }

    /**
     * Appends a batch: to memory, else to the backlog; blocks while the lane is full and cannot
     * spill (or its budget is spent under {@code when-full: pause}). A detached lane acknowledges
     * the batch at once: it no longer holds the checkpoint.
     *
     * @return false if the pipeline is aborting (or the lane ended) and the batch was not queued
     * @throws SinkFailureException when the backlog budget is spent under {@code when-full: fail},
     *                              or the backlog cannot be written
     */
    boolean enqueue(LaneBatch batch, Runnable whileWaiting) throws InterruptedException {
        LaneBuffer into;
        synchronized (this) { // against reattach: a batch is skipped or goes to the new buffer
            if (detached != null) {
                ackedPosition = batch.lastPosition();
                ackedSequence = batch.lastSequence();
                return true;
            }
            into = buffer;
            lastOffered = batch;
        }
        try {
            return into.offer(batch, () -> owner.isAborting() || finished && detached == null, whileWaiting,
                    reason -> budgetSpent(reason, batch));
        } catch (IOException e) {
            throw new SinkFailureException(spec.name(), "could not write its backlog: " + e, e);
        }
    }

    /** The backlog's budget is spent and {@code when-full} is fail or detach. */
    private void budgetSpent(String reason, LaneBatch batch) {
        String why = reason + stats.failingSince().map(since -> " while its target is unreachable since " + since
                + " (" + status().outage().map(PipelineStatus.Outage::lastError).orElse("") + ")").orElse("");
        if (spec.backlog().whenFull() == BacklogSettings.WhenFull.FAIL) {
            throw new SinkFailureException(spec.name(), "stopped the pipeline: " + why + ", and when-full is "
                    + "fail; the checkpoint stays at what every sink acknowledged. Bring the sink's target back, "
                    + "raise backlog max-bytes/max-age, or choose when-full: pause or detach", null);
        }
        detach(why, batch.lastPosition(), batch.lastSequence());
    }

    /**
     * Checks {@code max-age} between batches (the checkpoint timer calls it): a lane whose oldest
     * batch got too old while no new one arrived spends its budget too. Under {@code pause} the
     * next batch waits; under {@code fail} the pipeline stops; under {@code detach} the lane is
     * detached at the newest batch handed to it.
     */
    void checkAge() {
        LaneBatch newest = lastOffered;
        if (detached != null || newest == null || spec.backlog().whenFull() == BacklogSettings.WhenFull.PAUSE) {
            return;
        }
        Optional<String> over = buffer.overAge();
        if (over.isEmpty()) {
            return;
        }
        try {
            budgetSpent(over.get(), newest);
        } catch (SinkFailureException e) {
            owner.laneFailed(this, e);
        }
    }

    /**
     * Takes the lane out of the checkpoint: it acknowledges everything up to {@code position} (the
     * newest batch handed to the lanes) at once and delivers nothing more. From the ingest thread, or
     * the checkpoint timer ({@link #checkAge}).
     */
    synchronized void detach(String reason, Position position, long sequence) {
        if (detached != null) {
            return;
        }
        Position at = Optional.ofNullable(ackedPosition).or(owner::resumedFrom).orElse(position);
        detached = new PipelineStatus.Detached(at, clock.instant(), reason);
        owner.laneDetached(this, detached);
        ackedPosition = position;
        ackedSequence = sequence;
    }

    /**
     * Re-attaches the detached lane: batches handed over from now on are queued (a fresh buffer) and
     * delivered by a new worker the caller starts; those skipped while detached stay acknowledged.
     *
     * @throws IllegalStateException when it is not detached, or its old worker has not ended yet
     */
    synchronized PipelineStatus.Detached reattach(Optional<Backlog> backlog) {
        if (detached == null) {
            throw new IllegalStateException("sink '" + spec.name() + "' is not detached");
        }
        if (!finished) {
            throw new IllegalStateException("sink '" + spec.name() + "' is still ending the delivery it was doing when "
                    + "it was detached; try again in a few seconds");
        }
        PipelineStatus.Detached was = detached;
        buffer = new LaneBuffer(spec.queueCapacity(), backlog, spec.backlog(), clock);
        lastOffered = null;
        finished = false;
        detached = null;
        return was;
    }

    BacklogSettings.WhenFull whenFull() {
        return spec.backlog().whenFull();
    }

    /** Asks the lane to finish what is queued and end. */
    void end() {
        buffer.end();
    }

    @Override
    public void run() {
        try {
            for (LaneBuffer.Unit unit = next(); unit != null && detached == null; unit = next()) {
                if (!unit.batches().isEmpty()) {
                    process(unit.batches());
                    buffer.release(unit);
                }
            }
        } catch (SchemaGate.HeldAtStop e) {
            LOG.info(e.getMessage());
        } catch (InterruptedException e) {
            if (detached == null) {
                Thread.currentThread().interrupt();
                LOG.info("sink '{}': interrupted, {} events left unacknowledged", spec.name(), buffer.depth());
            }
        } catch (Throwable t) {
            if (detached == null) {
                owner.laneFailed(this, t);
            }
        } finally {
            discardIfDetached(); // before finished: a re-attach then opens a new backlog in the same directory
            finished = true;
        }
    }

    private LaneBuffer.Unit next() throws InterruptedException, IOException {
        return detached != null ? null : buffer.take(spec.batchSize(), pollInterval);
    }

    private void discardIfDetached() {
        if (detached != null) {
            try {
                buffer.discard();
            } catch (IOException | RuntimeException e) {
                LOG.warn("sink '{}': could not delete its backlog: {}", spec.name(), e.toString());
            }
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
                    schemaChanges.replayedBeforeMigration(c);
                } else {
                    run.add(gate.project(c));
                }
                continue;
            }
            PendingWrite.deliver(sink, run, stats, rejections, delivery);
            run = new ArrayList<>();
            int at = i;
            try {
                schemaChanges.handle(entry, () -> ackBefore(out, at), owner::isStopping);
            } catch (Exception failure) {
                ackBefore(out, i);
                throw failure;
            }
        }
        PendingWrite.deliver(sink, run, stats, rejections, delivery);
        if (detached == null) {
            ackedPosition = last.lastPosition();
            ackedSequence = last.lastSequence();
        }
        stats.acknowledged(lastCommit);
    }

    /** Everything before entry i is durable: the checkpoint may go up to just before it (not to a catch-up's row). */
    private void ackBefore(List<LaneEntry> out, int i) {
        for (int j = i - 1; j >= 0; j--) {
            if (out.get(j).fromSource()) {
                ackedPosition = out.get(j).event().position();
                ackedSequence = out.get(j).sequence();
                break;
            }
        }
    }

    PipelineStatus.SinkStatus status() {
        return stats.status(buffer.depth(), lagSeconds(), Optional.ofNullable(ackedPosition), state(),
                buffer.backlogStatus(), detached(), gate.held());
    }
}
