package dev.cdc.core.runtime;

import dev.cdc.api.event.Position;
import dev.cdc.core.metrics.PipelineMetrics;
import dev.cdc.core.schema.HeldChanges;
import dev.cdc.core.spec.PipelineStatus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The counters of one lane, kept both as numbers for {@link PipelineStatus} and as Micrometer
 * meters, and the lane's lag. Written by the lane thread (and its delivery), read by any thread.
 */
final class LaneStats {

    private static final Logger LOG = LoggerFactory.getLogger(LaneStats.class);

    private final String sink;
    private final String type;
    private final PipelineMetrics.SinkMetrics metrics;
    private final Clock clock;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong schemaApplied = new AtomicLong();
    private final AtomicLong schemaIgnored = new AtomicLong();
    private final AtomicLong schemaStopped = new AtomicLong();

    private volatile double lastLagSeconds;
    private volatile Instant inFlightSince;
    private volatile PipelineStatus.Outage outage;
    private volatile Supplier<Optional<Instant>> oldestPending = Optional::empty;

    LaneStats(String sink, String type, PipelineMetrics metrics, Clock clock) {
        this.sink = sink;
        this.type = type;
        this.metrics = metrics.sink(sink);
        this.clock = clock;
    }

    PipelineMetrics.SinkMetrics metrics() {
        return metrics;
    }

    void written(int n) {
        if (n > 0) {
            written.addAndGet(n);
            metrics.written.increment(n);
        }
    }

    void writeTook(long nanos) {
        metrics.write.record(Duration.ofNanos(nanos));
    }

    void retried() {
        retries.incrementAndGet();
        metrics.retries.increment();
    }

    long retries() {
        return retries.get();
    }

    /** An attempt failed because the target is unreachable: the outage starts now, or goes on. */
    void outage(Exception cause) {
        PipelineStatus.Outage current = outage;
        outage = new PipelineStatus.Outage(current == null ? clock.instant() : current.since(), String.valueOf(cause));
    }

    /** An attempt succeeded after failed ones: an outage, if there was one, is over. */
    void recovered(String target, int attempts) {
        PipelineStatus.Outage ended = outage;
        outage = null;
        if (ended != null) {
            LOG.info("{}: reachable again after {} attempt(s); the outage lasted {} s", target, attempts,
                    Duration.between(ended.since(), clock.instant()).toMillis() / 1000.0);
        }
    }

    /** When the ongoing outage began; empty when there is none. */
    Optional<Instant> failingSince() {
        return Optional.ofNullable(outage).map(PipelineStatus.Outage::since);
    }

    /** Seconds the ongoing outage has lasted; 0 when there is none. */
    double outageSeconds() {
        PipelineStatus.Outage o = outage;
        return o == null ? 0 : Duration.between(o.since(), clock.instant()).toMillis() / 1000.0;
    }

    /** An event or schema change whose delivery gave up. */
    void failed() {
        failed.incrementAndGet();
        metrics.failed.increment();
    }

    void skipped() {
        skipped.incrementAndGet();
        metrics.skipped.increment();
    }

    void deadLettered() {
        deadLettered.incrementAndGet();
        metrics.deadLettered.increment();
    }

    void filtered() {
        metrics.filtered.increment();
    }

    /** A schema change's outcome: {@code applied}, {@code ignored} or {@code stopped}. */
    void schemaChange(String table, String outcome) {
        switch (outcome) {
            case "applied" -> schemaApplied.incrementAndGet();
            case "ignored" -> schemaIgnored.incrementAndGet();
            default -> schemaStopped.incrementAndGet();
        }
        metrics.schemaChange(table, outcome);
    }

    /** The lane started on events the first of which committed at {@code firstCommit}. */
    void inFlight(Instant firstCommit) {
        inFlightSince = firstCommit;
    }

    /** The lane acknowledged events the last of which committed at {@code lastCommit}. */
    void acknowledged(Instant lastCommit) {
        if (lastCommit != null) {
            lastLagSeconds = Math.max(0, Duration.between(lastCommit, clock.instant()).toMillis() / 1000.0);
        }
        inFlightSince = null;
    }

    /** Where the commit time of the oldest event the lane holds unacknowledged (memory or disk) comes from. */
    void pending(Supplier<Optional<Instant>> oldest) {
        oldestPending = oldest;
    }

    /**
     * The lane's lag behind the source: the age (since commit) of the oldest event it was handed and
     * has not acknowledged (queued, spilled or in flight), or of the last acknowledged ones when it
     * holds none. A lane that receives nothing because the source waits shows no lag of its own; the
     * status names the sink the source waits on.
     */
    double lagSeconds() {
        Instant since = inFlightSince;
        Optional<Instant> pending = oldestPending.get();
        if (pending.isPresent() && (since == null || pending.get().isBefore(since))) {
            since = pending.get();
        }
        if (since != null) {
            return Math.max(lastLagSeconds, Duration.between(since, clock.instant()).toMillis() / 1000.0);
        }
        return lastLagSeconds;
    }

    PipelineStatus.SinkStatus status(int queueDepth, double lagSeconds, Optional<Position> acked,
                                     PipelineStatus.LaneState state, PipelineStatus.Backlog backlog,
                                     Optional<PipelineStatus.Detached> detached, List<HeldChanges.Held> held) {
        return new PipelineStatus.SinkStatus(sink, type, written.get(), retries.get(), failed.get(),
                deadLettered.get(), skipped.get(), queueDepth, lagSeconds, acked,
                new PipelineStatus.SchemaChanges(schemaApplied.get(), schemaIgnored.get(), schemaStopped.get(), held),
                state, Optional.ofNullable(outage), backlog, detached);
    }
}
