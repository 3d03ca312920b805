package dev.cdc.core.runtime;

import dev.cdc.api.error.PartialWriteException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Filter;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.Transformer;
import dev.cdc.core.metrics.PipelineMetrics;
import dev.cdc.core.spec.FailurePolicy;
import dev.cdc.core.spec.PipelineStatus;
import dev.cdc.core.spec.SinkSpec;
import dev.cdc.core.schema.SchemaGate;
import dev.cdc.schema.registry.SchemaVersion;
import dev.cdc.format.EnvelopeHeaders;
import io.github.resilience4j.retry.Retry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One sink's lane: a bounded queue fed by the source thread, and one worker thread that applies
 * the sink's own filters and transforms, writes and flushes with retry, applies the failure
 * policy, and acknowledges what is durable. One worker keeps per-key order. Each schema change goes
 * through the sink's {@link SchemaGate}: applied between the last event of the old shape and the
 * first of the new, ignored, or stopping the pipeline with the acknowledgement just before it.
 *
 * <p>The queue is bounded in events (a semaphore of {@code queueCapacity} permits): when it is
 * full, {@link #enqueue} blocks the source thread, which is how back-pressure reaches the source.
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
    private final PipelineMetrics.SinkMetrics metrics;
    private final Owner owner;
    private final Clock clock;
    private final Duration pollInterval;
    private final Retry retry;
    private final Retry deadLetterRetry;
    private final SchemaGate gate;
    private final LinkedBlockingQueue<LaneBatch> queue = new LinkedBlockingQueue<>();
    private final Semaphore permits;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final Set<TableId> replayNoticed = new HashSet<>();
    private final AtomicLong schemaApplied = new AtomicLong();
    private final AtomicLong schemaIgnored = new AtomicLong();
    private final AtomicLong schemaStopped = new AtomicLong();

    private volatile long ackedSequence = -1;
    private volatile Position ackedPosition;
    private volatile double lastLagSeconds;
    private volatile Instant inFlightSince;
    private volatile boolean finished;

    SinkLane(SinkSpec spec, Sink sink, Optional<Sink> deadLetter, List<Filter> filters, List<Transformer> transforms,
             PipelineMetrics metrics, Owner owner, Clock clock, Duration pollInterval, SchemaGate gate) {
        this.spec = spec;
        this.gate = gate;
        this.sink = sink;
        this.deadLetter = deadLetter;
        this.chain = new TransformChain(filters, transforms);
        this.metrics = metrics.sink(spec.name());
        this.owner = owner;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.permits = new Semaphore(spec.queueCapacity());
        this.retry = RetryPolicies.create(spec.name(), spec.retry());
        this.deadLetterRetry = RetryPolicies.create(spec.name() + ".dead-letter", spec.retry());
        retry.getEventPublisher().onRetry(e -> {
            retries.incrementAndGet();
            this.metrics.retries.increment();
            LOG.warn("sink '{}': attempt {} of {} failed, retrying in {} ms: {}", spec.name(),
                    e.getNumberOfRetryAttempts(), spec.retry().maxAttempts(), e.getWaitInterval().toMillis(),
                    String.valueOf(e.getLastThrowable()));
        });
        this.metrics.gauge("cdc.sink.queue.depth", "Events waiting in the sink's lane", this, SinkLane::queueDepth);
        this.metrics.gauge("cdc.sink.lag.seconds", "Commit time to sink acknowledgement", this, SinkLane::lagSeconds);
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

    int queueDepth() {
        return spec.queueCapacity() - permits.availablePermits();
    }

    /** Lag of the event in flight if there is one, else of the last acknowledged event. */
    double lagSeconds() {
        Instant since = inFlightSince;
        if (since != null) {
            return Math.max(lastLagSeconds, Duration.between(since, clock.instant()).toMillis() / 1000.0);
        }
        return lastLagSeconds;
    }

    /**
     * Appends a batch, blocking while the lane is full.
     *
     * @return false if the pipeline is aborting and the batch was not queued
     */
    boolean enqueue(LaneBatch batch) throws InterruptedException {
        int weight = Math.min(batch.weight(), spec.queueCapacity());
        while (!permits.tryAcquire(weight, 50, TimeUnit.MILLISECONDS)) {
            if (owner.isAborting() || finished) {
                return false;
            }
        }
        queue.add(batch);
        return true;
    }

    /** Asks the lane to finish what is queued and end. */
    void end() {
        queue.add(LaneBatch.END);
    }

    @Override
    public void run() {
        try {
            while (true) {
                LaneBatch first = queue.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                if (first.isEnd()) {
                    break;
                }
                List<LaneBatch> unit = new ArrayList<>();
                unit.add(first);
                int events = first.events().size();
                boolean end = false;
                while (events < spec.batchSize()) {
                    LaneBatch next = queue.peek();
                    if (next == null || (!next.isEnd() && events + next.events().size() > spec.batchSize())) {
                        break;
                    }
                    queue.poll();
                    if (next.isEnd()) {
                        end = true;
                        break;
                    }
                    unit.add(next);
                    events += next.events().size();
                }
                process(unit);
                for (LaneBatch b : unit) {
                    permits.release(Math.min(b.weight(), spec.queueCapacity()));
                }
                if (end) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.info("sink '{}': interrupted, {} events left unacknowledged", spec.name(), queueDepth());
        } catch (Throwable t) {
            owner.laneFailed(this, t);
        } finally {
            finished = true;
        }
    }

    private void process(List<LaneBatch> unit) throws Exception {
        LaneBatch last = unit.get(unit.size() - 1);
        inFlightSince = unit.get(0).firstCommitTime();
        List<StreamEvent> out = new ArrayList<>();
        long[] sequences = new long[16];
        Map<StreamEvent, SchemaVersion> versions = null;
        Set<StreamEvent> catchUps = null;
        Instant lastCommit = null;
        for (LaneBatch b : unit) {
            List<StreamEvent> events = b.events();
            int made = 0; // catch-ups so far in the batch: not source events, they take no sequence
            for (int i = 0; i < events.size(); i++) {
                StreamEvent e = events.get(i);
                boolean catchUp = b.isCatchUp(e);
                made += catchUp ? 1 : 0;
                lastCommit = e.commitTime();
                Optional<? extends StreamEvent> t = chain.apply(e);
                if (t.isEmpty()) {
                    if (!catchUp) {
                        metrics.filtered.increment();
                    }
                    continue;
                }
                if (out.size() == sequences.length) {
                    sequences = java.util.Arrays.copyOf(sequences, sequences.length * 2);
                }
                sequences[out.size()] = catchUp ? -1 : b.firstSequence() + i - made;
                out.add(t.get());
                if (e instanceof SchemaChangeEvent) {
                    Optional<SchemaVersion> v = b.schemaVersion(e);
                    if (v.isPresent()) {
                        versions = versions == null ? new IdentityHashMap<>() : versions;
                        versions.put(t.get(), v.get());
                    }
                    if (catchUp) {
                        catchUps = catchUps == null ? Collections.newSetFromMap(new IdentityHashMap<>()) : catchUps;
                        catchUps.add(t.get());
                    }
                }
            }
        }
        List<ChangeEvent> run = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            StreamEvent e = out.get(i);
            if (e instanceof ChangeEvent c) {
                if (gate.handledBefore(c)) {
                    replayedBeforeMigration(c);
                    continue;
                }
                run.add(gate.project(c));
                continue;
            }
            deliver(run);
            run = new ArrayList<>();
            SchemaChangeEvent change = (SchemaChangeEvent) e;
            try {
                schemaChange(change, versions == null ? Optional.empty() : Optional.ofNullable(versions.get(e)),
                        catchUps != null && catchUps.contains(e));
            } catch (Exception failure) {
                // everything before the change is durable: the checkpoint may go up to just before it
                // (a catch-up sits at the position of the row after it, which is not written yet)
                for (int j = i - 1; j >= 0; j--) {
                    if (sequences[j] >= 0) {
                        ackedPosition = out.get(j).position();
                        ackedSequence = sequences[j];
                        break;
                    }
                }
                throw failure;
            }
        }
        deliver(run);
        ackedPosition = last.lastPosition();
        ackedSequence = last.lastSequence();
        if (lastCommit != null) {
            lastLagSeconds = Math.max(0, Duration.between(lastCommit, clock.instant()).toMillis() / 1000.0);
        }
        inFlightSince = null;
    }

    /**
     * A row replayed after a restart that the sink handled before it applied a later schema change
     * of the row's table: not written again (it has the older shape). Logged once per table and run.
     */
    private void replayedBeforeMigration(ChangeEvent row) {
        metrics.filtered.increment();
        if (replayNoticed.add(row.table())) {
            LOG.info("sink '{}': skipping replayed rows of {} before {}: the sink handled them before it applied the "
                    + "schema change there (to send a sink everything again, remove {} from the state directory too)",
                    spec.name(), row.table(), gate.acceptedFor(row).map(v -> v.position().toString()).orElse("?"),
                    SchemaGate.fileName(spec.name()));
        }
    }

    /** A schema change reached the lane: applied, ignored or stopping the pipeline, as the sink's gate decides. */
    private void schemaChange(SchemaChangeEvent change, Optional<SchemaVersion> version, boolean catchUp)
            throws Exception {
        SchemaGate.Decision decision = gate.decide(change, version, catchUp);
        String table = change.table().toString();
        if (decision instanceof SchemaGate.Decision.Apply apply) {
            if (applySchemaChange(apply.event())) {
                gate.accepted(apply, version);
                if (apply.migration()) {
                    schemaApplied.incrementAndGet();
                    metrics.schemaChange(table, "applied");
                    LOG.info("sink '{}': applied the schema change of {} at {}: {}", spec.name(), table,
                            change.position(), SchemaGate.describe(apply.event().changes(), apply.verdicts()));
                }
            }
        } else if (decision instanceof SchemaGate.Decision.Skip skip) {
            if (catchUp) {
                return; // the change itself was ignored (and counted) when it passed
            }
            schemaIgnored.incrementAndGet();
            metrics.schemaChange(table, "ignored");
            LOG.info("sink '{}': ignored the schema change of {} at {} (schema-policy ignore): {}; its rows keep the "
                    + "columns {}", spec.name(), table, change.position(),
                    SchemaGate.describe(skip.changes(), skip.verdicts()), skip.event().before()
                            .map(b -> b.columnNames().toString()).orElse("?"));
        } else if (decision instanceof SchemaGate.Decision.Stop stop) {
            schemaStopped.incrementAndGet();
            metrics.schemaChange(table, "stopped");
            throw stop.error();
        }
    }

    /** Writes and flushes the events with retry; once retries are spent, applies the failure policy. */
    private void deliver(List<ChangeEvent> events) throws Exception {
        if (events.isEmpty()) {
            return;
        }
        List<ChangeEvent> pending = events;
        Retry.Context<Void> attempt = retry.context();
        int attempts = 0;
        while (true) {
            attempts++;
            long start = System.nanoTime();
            try {
                sink.write(pending);
                sink.flush();
                metrics.write.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                attempt.onComplete();
                countWritten(pending.size());
                return;
            } catch (PartialWriteException partial) {
                countWritten(pending.size() - partial.failures().size());
                List<PartialWriteException.EventFailure> permanent = new ArrayList<>();
                for (PartialWriteException.EventFailure f : partial.failures()) {
                    if (!f.retriable()) {
                        permanent.add(f);
                    }
                }
                for (PartialWriteException.EventFailure f : permanent) {
                    exhausted(List.of(f.event()), attempts, new PartialWriteException(List.of(f)));
                }
                pending = retryTail(pending, partial);
                if (pending.isEmpty()) {
                    flushWithRetry();
                    return;
                }
                if (!retryAfter(attempt, partial)) {
                    exhausted(pending, attempts, partial);
                    return;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (!retryAfter(attempt, e)) {
                    exhausted(pending, attempts, e);
                    return;
                }
            }
            if (owner.isAborting()) {
                throw new InterruptedException("pipeline is stopping after a failure");
            }
        }
    }

    private void flushWithRetry() throws Exception {
        Retry.Context<Void> attempt = retry.context();
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                sink.flush();
                attempt.onComplete();
                return;
            } catch (Exception e) {
                if (!retryAfter(attempt, e)) {
                    throw new SinkFailureException(spec.name(), "could not flush after " + attempts + " attempt(s)", e);
                }
            }
        }
    }

    /** True when the failure may be retried (after the backoff, which this call waits out). */
    private static boolean retryAfter(Retry.Context<Void> attempt, Exception e) {
        try {
            attempt.onError(e);
            return true;
        } catch (Exception exhaustedOrNotRetryable) {
            return false;
        }
    }

    /**
     * The events to try again after a partial failure: each retriable failed event and every later
     * event of the same key, so a retry never puts an older row after a newer one.
     */
    private static List<ChangeEvent> retryTail(List<ChangeEvent> batch, PartialWriteException partial) {
        Map<TableId, Map<Row, Integer>> firstFailure = new HashMap<>();
        Map<ChangeEvent, Boolean> retriable = new java.util.IdentityHashMap<>();
        for (PartialWriteException.EventFailure f : partial.failures()) {
            if (f.retriable()) {
                retriable.put(f.event(), true);
            }
        }
        List<ChangeEvent> tail = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            ChangeEvent e = batch.get(i);
            Map<Row, Integer> keys = firstFailure.computeIfAbsent(e.table(), t -> new HashMap<>());
            if (retriable.containsKey(e)) {
                keys.putIfAbsent(e.key(), i);
                tail.add(e);
            } else if (keys.containsKey(e.key())) {
                tail.add(e);
            }
        }
        return tail;
    }

    private void exhausted(List<ChangeEvent> events, int attempts, Exception cause) throws Exception {
        if (events.size() == 1 || cause instanceof PartialWriteException) {
            for (ChangeEvent e : events) {
                route(e, attempts, cause);
            }
            return;
        }
        // Find the culprits: write the events one at a time, in order; the ones that still fail take
        // the policy (under 'fail', the first of them stops the lane and is named in the error).
        for (ChangeEvent e : events) {
            try {
                sink.write(List.of(e));
                sink.flush();
                countWritten(1);
            } catch (Exception single) {
                route(e, attempts + 1, single);
            }
        }
    }

    private void route(ChangeEvent event, int attempts, Exception cause) throws Exception {
        failed.incrementAndGet();
        metrics.failed.increment();
        if (spec.onFailure() == FailurePolicy.FAIL) {
            throw new SinkFailureException(spec.name(), event, attempts, cause);
        }
        String reason = cause instanceof PartialWriteException p ? p.failures().get(0).reason() : String.valueOf(cause);
        if (spec.onFailure() == FailurePolicy.SKIP) {
            skipped.incrementAndGet();
            metrics.skipped.increment();
            LOG.warn("sink '{}': skipped {} after {} attempt(s): {}", spec.name(), SinkFailureException.describe(event),
                    attempts, reason);
            return;
        }
        ChangeEvent letter = event.withHeader(EnvelopeHeaders.ERROR_MESSAGE, reason)
                .withHeader(EnvelopeHeaders.ERROR_CLASS, cause.getClass().getName())
                .withHeader(EnvelopeHeaders.ERROR_SINK, spec.name())
                .withHeader(EnvelopeHeaders.ERROR_ATTEMPTS, Integer.toString(attempts));
        Sink target = deadLetter.orElseThrow();
        Retry.Context<Void> attempt = deadLetterRetry.context();
        while (true) {
            try {
                target.write(List.of(letter));
                target.flush();
                attempt.onComplete();
                break;
            } catch (Exception e) {
                if (!retryAfter(attempt, e)) {
                    throw new SinkFailureException(spec.name(), "could not write " + SinkFailureException.describe(event)
                            + " (" + reason + ") and its dead-letter target failed too: " + e, e);
                }
            }
        }
        deadLettered.incrementAndGet();
        metrics.deadLettered.increment();
        LOG.warn("sink '{}': sent {} to the dead-letter target after {} attempt(s): {}", spec.name(),
                SinkFailureException.describe(event), attempts, reason);
    }

    /** Applies a schema change and flushes, with retry; false when the failure policy skipped it. */
    private boolean applySchemaChange(SchemaChangeEvent change) throws Exception {
        Retry.Context<Void> attempt = retry.context();
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                sink.applySchemaChange(change);
                sink.flush();
                attempt.onComplete();
                return true;
            } catch (Exception e) {
                if (!retryAfter(attempt, e)) {
                    failed.incrementAndGet();
                    metrics.failed.increment();
                    if (spec.onFailure() == FailurePolicy.SKIP) {
                        skipped.incrementAndGet();
                        metrics.skipped.increment();
                        LOG.warn("sink '{}': skipped {}: {}", spec.name(), SinkFailureException.describe(change), e.toString());
                        return false;
                    }
                    throw new SinkFailureException(spec.name(), change, attempts, e);
                }
            }
        }
    }

    private void countWritten(int n) {
        if (n > 0) {
            written.addAndGet(n);
            metrics.written.increment(n);
        }
    }

    PipelineStatus.SinkStatus status() {
        return new PipelineStatus.SinkStatus(spec.name(), spec.sink().type(), written.get(), retries.get(), failed.get(),
                deadLettered.get(), skipped.get(), queueDepth(), lagSeconds(), Optional.ofNullable(ackedPosition),
                new PipelineStatus.SchemaChanges(schemaApplied.get(), schemaIgnored.get(), schemaStopped.get()));
    }
}
