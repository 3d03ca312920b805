package dev.cdc.launcher.monitor;

import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.SnapshotProgress;
import dev.cdc.core.backfill.Backfills;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineListener;
import dev.cdc.core.spec.PipelineStatus;
import dev.cdc.core.spec.Reattachment;
import dev.cdc.launcher.verify.VerifyRecords;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Keeps what a pipeline reports beyond its {@link PipelineStatus}: snapshot progress per table
 * and which sinks are above the lag alert threshold. Register it with
 * {@link Pipeline#addListener} before {@link Pipeline#start()}. Thread-safe: the engine's
 * threads report, HTTP and console threads read.
 */
public final class PipelineObserver implements PipelineListener, SinkApi.Target {

    private final Pipeline pipeline;
    private final Clock clock;
    private final Instant createdAt;
    private final Map<String, SnapshotProgress> snapshot = new ConcurrentSkipListMap<>();
    private final Set<String> lagAlerts = ConcurrentHashMap.newKeySet();
    private final VerifyResults verifyResults;

    public PipelineObserver(Pipeline pipeline, Clock clock) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.createdAt = clock.instant();
        this.verifyResults = new VerifyResults(pipeline.name(), VerifyRecords.of(pipeline.spec()));
    }

    /** An observer already listening to {@code pipeline}. */
    public static PipelineObserver attach(Pipeline pipeline, Clock clock) {
        PipelineObserver o = new PipelineObserver(pipeline, clock);
        pipeline.addListener(o);
        return o;
    }

    public String pipelineName() {
        return pipeline.name();
    }

    public PipelineStatus status() {
        return pipeline.status();
    }

    public Clock clock() {
        return clock;
    }

    /** Time since this observer was made (just before the pipeline started). */
    public Duration uptime() {
        return Duration.between(createdAt, clock.instant());
    }

    /** The latest progress of every table the snapshot reported, by table name. */
    public List<SnapshotProgress> snapshotProgress() {
        return List.copyOf(snapshot.values());
    }

    /** The sinks whose lag is above {@code metrics.lag-alert-threshold}, in name order. */
    public Set<String> lagAlerts() {
        return new TreeSet<>(lagAlerts);
    }

    /** The pipeline's backfills (requests and progress). */
    public Backfills backfills() {
        return pipeline.backfills();
    }

    /** Re-attaches a detached sink while the pipeline runs; see {@link Pipeline#reattach}. */
    @Override
    public Reattachment reattach(String sink, List<TableId> tables) {
        return pipeline.reattach(sink, tables);
    }

    @Override
    public List<TableId> capturedTables() {
        return pipeline.capturedTables();
    }

    /** The latest {@code cdc verify} results, from the state directory. */
    public VerifyResults verifyResults() {
        return verifyResults;
    }

    /** The pipeline's health now. */
    public Health health() {
        PipelineStatus s = pipeline.status();
        return Health.of(s, lagAlerts());
    }

    @Override
    public void onLagAlert(String sink, Duration lag, Duration threshold) {
        lagAlerts.add(sink);
    }

    @Override
    public void onLagRecovered(String sink, Duration lag) {
        lagAlerts.remove(sink);
    }

    @Override
    public void onSnapshotProgress(SnapshotProgress progress) {
        snapshot.put(progress.table().toString(), progress);
    }
}
