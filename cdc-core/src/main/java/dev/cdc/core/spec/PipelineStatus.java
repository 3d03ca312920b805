package dev.cdc.core.spec;

import dev.cdc.api.event.Position;
import dev.cdc.core.schema.HeldChanges;

import java.time.Instant;
import java.util.List;
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
 */
public record PipelineStatus(String name, PipelineState state, Optional<String> failure, long eventsCaptured,
                             Optional<Position> checkpoint, Optional<Instant> checkpointSavedAt,
                             List<SinkStatus> sinks) {

    public PipelineStatus {
        sinks = List.copyOf(sinks);
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
     */
    public record SinkStatus(String name, String type, long written, long retries, long failed, long deadLettered,
                             long skipped, int queueDepth, double lagSeconds, Optional<Position> acked,
                             SchemaChanges schemaChanges) {
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
