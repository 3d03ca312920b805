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

    /**
     * Like {@link #emit(List)}, but while the pipeline is full the engine runs {@code whileWaiting}
     * on the calling (source) thread about once a second, so that a source blocked by a slow
     * sink keeps answering its server (a replication keepalive, a binlog heartbeat) instead of
     * being dropped by it. {@code whileWaiting} must not emit.
     *
     * @throws InterruptedException if the source thread is interrupted while waiting
     */
    default void emit(List<? extends StreamEvent> events, Runnable whileWaiting) throws InterruptedException {
        emit(events);
    }

    /**
     * Tells the engine that the position the pipeline holds back (the checkpoint) is about to be
     * lost by the server: e.g. a PostgreSQL slot whose {@code wal_status} became
     * {@code unreserved}, or a binlog file about to be purged. The engine may then detach the
     * sinks that hold the checkpoint back (their {@code backlog.when-full} permitting), so the
     * position can advance before the server drops it. Called from the source thread.
     *
     * @param reason what the source saw, for the operator (no secrets)
     */
    default void retentionAtRisk(String reason) {
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
