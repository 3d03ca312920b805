package dev.cdc.api.spi;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;

import java.util.List;
import java.util.Optional;

/** What the engine gives a running {@link Source}. Used from the source thread only. */
public interface SourceContext {

    String pipelineName();

    /**
     * The last committed checkpoint: every event up to and including it was delivered. A source
     * resumes just after it; events at or before it that the database sends again must be
     * skipped. Empty on a first start.
     */
    Optional<Position> resumePosition();

    /**
     * Hands a batch of events, in log order, to the pipeline. Blocks while the pipeline is full.
     *
     * @throws InterruptedException if the source thread is interrupted while waiting
     */
    void emit(List<? extends StreamEvent> events) throws InterruptedException;

    default void emit(StreamEvent event) throws InterruptedException {
        emit(List.of(event));
    }

    /** True once the pipeline is stopping: {@link Source#run} should return soon. */
    boolean isStopping();

    default PluginMetrics metrics() {
        return PluginMetrics.NOOP;
    }

    /** Reports a snapshot's progress; the engine logs it and exposes it as metrics. */
    default void snapshotProgress(SnapshotProgress progress) {
    }
}
