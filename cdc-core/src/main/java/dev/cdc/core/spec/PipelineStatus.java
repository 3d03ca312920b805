package dev.cdc.core.spec;

import dev.cdc.api.event.Position;
import dev.cdc.core.schema.HeldChanges;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A point-in-time view of a running pipeline, for status commands and health checks.
 *
 * @param name               the pipeline
 * @param state              its state
 * @param failure            why it failed, when it did
 * @param eventsCaptured     events the source emitted since start
 * @param checkpoint         the last committed position, if any
 * @param checkpointSavedAt  when it was committed
 * @param sinks              each sink lane
 * @param sourceWaitingOn    the sink whose full lane (in-memory queue, or backlog under
 *                           {@code when-full: pause}) the source waits on now, if any
 * @param warnings           conditions that need an operator but do not stop the pipeline (the
 *                           source's position at risk while a sink holds it back)
 */
public record PipelineStatus(String name, PipelineState state, Optional<String> failure, long eventsCaptured,
                             Optional<Position> checkpoint, Optional<Instant> checkpointSavedAt,
                             List<SinkStatus> sinks, Optional<String> sourceWaitingOn, List<String> warnings) {

    public PipelineStatus {
        sinks = List.copyOf(sinks);
        Objects.requireNonNull(sourceWaitingOn, "sourceWaitingOn");
        warnings = List.copyOf(warnings);
    }

    public PipelineStatus(String name, PipelineState state, Optional<String> failure, long eventsCaptured,
                          Optional<Position> checkpoint, Optional<Instant> checkpointSavedAt, List<SinkStatus> sinks) {
        this(name, state, failure, eventsCaptured, checkpoint, checkpointSavedAt, sinks, Optional.empty(), List.of());
    }

    /** Where a sink's lane is. */
    public enum LaneState {
        /** Delivering from its in-memory queue. */
        STREAMING,
        /** Delivering from its on-disk backlog: it fell behind and catches up. */
        CATCHING_UP,
        /** Its backlog budget is spent under {@code when-full: pause}: the source waits on it. */
        PAUSED,
        /** Taken out of the checkpoint after its budget was spent under {@code when-full: detach}. */
        DETACHED;

        public String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * A sink that cannot reach its target: retried until the outage ends.
     *
     * @param since     when the first attempt of the current outage failed
     * @param lastError the last attempt's failure
     */
    public record Outage(Instant since, String lastError) {
    }

    /**
     * What a lane holds that its sink has not acknowledged yet, on disk.
     *
     * @param events     events in the on-disk backlog
     * @param bytes      bytes of the backlog's segment files
     * @param ageSeconds age of the oldest unacknowledged batch in the lane (memory or disk); 0 when none
     */
    public record Backlog(long events, long bytes, double ageSeconds) {
        public static final Backlog EMPTY = new Backlog(0, 0, 0);
    }

    /**
     * A detached sink: out of the checkpoint since {@code since}, missing every change after {@code position}.
     *
     * @param position the last position it acknowledged (or the checkpoint when it detached)
     * @param since    when it was detached
     * @param reason   why
     */
    public record Detached(Position position, Instant since, String reason) {
    }

    /**
     * One sink lane.
     *
     * @param name         the sink's name
     * @param type         its plugin type
     * @param written      events written and acknowledged
     * @param retries      retry attempts made
     * @param failed       events whose retries were spent
     * @param deadLettered events sent to the dead-letter target
     * @param skipped      events skipped by the skip policy
     * @param queueDepth   events waiting in the lane
     * @param lagSeconds   commit time to acknowledgement of the latest event, or of the oldest in flight
     * @param acked        the last position the sink acknowledged
     * @param schemaChanges  the schema changes that reached the sink since start, by outcome
     * @param state        streaming, catching-up, paused or detached
     * @param outage       the ongoing outage of its target, if any
     * @param backlog      what it holds on disk, and the age of its oldest unacknowledged batch
     * @param detached     when detached: since when, at which position, why
     */
    public record SinkStatus(String name, String type, long written, long retries, long failed, long deadLettered,
                             long skipped, int queueDepth, double lagSeconds, Optional<Position> acked,
                             SchemaChanges schemaChanges, LaneState state, Optional<Outage> outage, Backlog backlog,
                             Optional<Detached> detached) {

        public SinkStatus {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(outage, "outage");
            Objects.requireNonNull(backlog, "backlog");
            Objects.requireNonNull(detached, "detached");
        }

        /** A streaming sink with no outage and no backlog. */
        public SinkStatus(String name, String type, long written, long retries, long failed, long deadLettered,
                          long skipped, int queueDepth, double lagSeconds, Optional<Position> acked,
                          SchemaChanges schemaChanges) {
            this(name, type, written, retries, failed, deadLettered, skipped, queueDepth, lagSeconds, acked,
                    schemaChanges, LaneState.STREAMING, Optional.empty(), Backlog.EMPTY, Optional.empty());
        }
    }

    /**
     * Migrations that reached a sink since start (as the {@code cdc.schema.changes} metric counts
     * them: a table's first sight and re-announcements are not counted).
     *
     * @param applied applied to the sink
     * @param ignored not applied under {@code schema-policy: ignore}
     * @param stopped stopped the pipeline
     * @param held    the change the sink's lane waits at for an operator's decision
     *                ({@code schema-policy: manual}); empty when it does not wait
     */
    public record SchemaChanges(long applied, long ignored, long stopped, List<HeldChanges.Held> held) {
        public static final SchemaChanges NONE = new SchemaChanges(0, 0, 0);

        public SchemaChanges {
            held = List.copyOf(held);
        }

        public SchemaChanges(long applied, long ignored, long stopped) {
            this(applied, ignored, stopped, List.of());
        }

        public long total() {
            return applied + ignored + stopped;
        }
    }
}
