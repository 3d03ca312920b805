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

    /**
     * The backfills to run, in the order they were requested: requested from outside (the
     * launcher's {@code cdc backfill}, {@code cdc verify --repair}) or by the source itself
     * ({@link #requestBackfill}), each with the resume point of its last durable chunk. A source
     * that {@linkplain Source#canBackfill can backfill} polls this between batches of its stream;
     * the list changes only when a request is added, finished or failed. Thread-safe.
     */
    default List<BackfillRequest> backfills() {
        return List.of();
    }

    /**
     * Asks for a backfill from inside the source: a signal-table entry, a table that starts being
     * captured, a position that was lost and healed. The engine keeps it durably (a request with
     * an id it already holds is ignored) and lists it in {@link #backfills()}.
     */
    default void requestBackfill(BackfillRequest request) {
    }

    /**
     * A backfill chunk's events were {@linkplain #emit emitted}; call after the emit returned.
     * Once the checkpoint reaches {@code at} (the position of the chunk's high watermark: no event
     * of the chunk is after it) every target sink durably holds the chunk, and the engine records
     * {@code lastKey} as the request's resume point; after the last chunk ({@code finished}) the
     * request is done and leaves {@link #backfills()}.
     *
     * @param id            the request's id
     * @param lastKey       the key of the chunk's last row (text, key column order); empty when
     *                      the chunk read nothing
     * @param at            the chunk's high-watermark position
     * @param rows          rows emitted by this chunk (after the watermark window dropped some)
     * @param rowsEstimated the table's estimated row count, or -1 when unknown (for progress)
     * @param finished      whether this was the request's last chunk
     */
    default void backfillChunk(String id, List<String> lastKey, Position at, long rows, long rowsEstimated,
                               boolean finished) {
    }

    /**
     * The source cannot run this backfill (the table is not captured, the condition is not valid
     * SQL, ...): the engine drops the request and reports {@code reason} to whoever asked.
     */
    default void backfillFailed(String id, String reason) {
    }
}
