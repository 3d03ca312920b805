package dev.cdc.core.runtime;

import dev.cdc.api.event.Position;
import dev.cdc.api.spi.SnapshotProgress;
import dev.cdc.core.spec.PipelineListener;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PipelineStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the ingest stage and the lanes ask of their pipeline: whether it stops or aborts, where
 * the run resumed, and the hooks through which a lane fails the pipeline or reports that it was
 * detached (recorded in the state directory, told to the listeners). Thread-safe.
 */
final class PipelineHooks implements IngestStage.Pipeline, LaneOwner {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineHooks.class);

    private final String name;
    private final List<PipelineListener> listeners;
    private final Consumer<Throwable> onFailure;
    private volatile boolean stopping;
    private volatile boolean aborting;
    private volatile Optional<Position> resumedFrom = Optional.empty();
    private volatile Optional<DetachedSinks> records = Optional.empty();
    private volatile Optional<Instant> sourceWaitingSince = Optional.empty();

    /**
     * @param listeners the pipeline's listeners (read at each call: later additions count)
     * @param onFailure fails the pipeline
     */
    PipelineHooks(String name, List<PipelineListener> listeners, Consumer<Throwable> onFailure) {
        this.name = name;
        this.listeners = listeners;
        this.onFailure = onFailure;
    }

    /** The run resumes from {@code position}; detached sinks are recorded in {@code records}. */
    void opened(Optional<Position> position, Optional<DetachedSinks> detachedRecords) {
        this.resumedFrom = position;
        this.records = detachedRecords;
    }

    void stop() {
        stopping = true;
    }

    void abort() {
        aborting = true;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<Position> resumePosition() {
        return resumedFrom;
    }

    @Override
    public Optional<Position> resumedFrom() {
        return resumedFrom;
    }

    @Override
    public boolean isStopping() {
        return stopping;
    }

    @Override
    public boolean isAborting() {
        return aborting;
    }

    @Override
    public void snapshotProgress(SnapshotProgress progress) {
        listeners.forEach(l -> l.onSnapshotProgress(progress));
    }

    @Override
    public void sourceWaiting(Optional<Instant> since) {
        sourceWaitingSince = since;
    }

    @Override
    public Optional<Instant> sourceWaitingSince() {
        return sourceWaitingSince;
    }

    @Override
    public void laneFailed(SinkLane lane, Throwable cause) {
        onFailure.accept(cause);
    }

    /** Tells every listener; one that throws is logged and the others are still told. */
    void stateChanged(PipelineState from, PipelineState to) {
        for (PipelineListener l : listeners) {
            try {
                l.onStateChange(from, to);
            } catch (RuntimeException e) {
                LOG.warn("a pipeline listener failed: {}", e.toString());
            }
        }
    }

    @Override
    public void laneDetached(SinkLane lane, PipelineStatus.Detached detached) {
        Optional<DetachedSinks> r = records;
        LOG.error("pipeline '{}': sink '{}' DETACHED at position {}: {}; the checkpoint and the other sinks move on "
                        + "without it. {}", name, lane.name(), detached.position(), detached.reason(),
                r.map(d -> "Recorded in " + d.file(lane.name()) + "; it receives nothing (in this run and later "
                        + "ones) until `cdc reattach <pipeline.yaml> " + lane.name() + " --backfill`").orElse("(no state directory: a restart re-attaches "
                        + "it)"));
        r.ifPresent(d -> d.write(lane.name(), detached));
        listeners.forEach(l -> l.onSinkDetached(lane.name(), detached));
    }

    /** The lane was re-attached while running: its detached record is deleted. */
    void laneReattached(SinkLane lane, PipelineStatus.Detached was, Optional<Position> from) {
        records.ifPresent(d -> d.delete(lane.name()));
        LOG.warn("pipeline '{}': sink '{}' RE-ATTACHED while running (it was detached since {} at position {}); it "
                + "receives every change after {}", name, lane.name(), was.since(), was.position(),
                from.map(Object::toString).orElse("the start"));
    }
}
