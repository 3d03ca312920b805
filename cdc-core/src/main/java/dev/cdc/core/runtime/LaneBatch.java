package dev.cdc.core.runtime;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.schema.registry.SchemaVersion;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the source thread hands each lane: the events of one emitted batch that passed the
 * pipeline-wide filters (possibly none), and the sequence and position of the batch's last
 * source event. A lane that has handled a batch acknowledges its {@code lastSequence}, so the
 * checkpoint moves past filtered events too.
 *
 * @param schemaVersions the registry's version after each schema change among {@code events}
 *                       (by identity; empty when the batch has none)
 * @param firstSequence  the sequence of the batch's first source event; the i-th of {@code events}
 *                       that is not a catch-up, counting only those, has a sequence of at least
 *                       {@code firstSequence + i}
 * @param catchUps       the schema changes among {@code events} that the engine made up from the
 *                       history before a row whose table's schema the stream had not announced in
 *                       this run (by identity): not source events, each sits just before its row
 */
record LaneBatch(List<StreamEvent> events, long lastSequence, Position lastPosition, Instant firstCommitTime,
                 Map<StreamEvent, SchemaVersion> schemaVersions, long firstSequence, Set<StreamEvent> catchUps) {

    /** Sent after the last batch: the lane drains, acknowledges and ends. */
    static final LaneBatch END = new LaneBatch(List.of(), Long.MIN_VALUE, null, null, Map.of(), Long.MIN_VALUE,
            Set.of());

    LaneBatch(List<StreamEvent> events, long lastSequence, Position lastPosition, Instant firstCommitTime) {
        this(events, lastSequence, lastPosition, firstCommitTime, Map.of(), lastSequence - events.size() + 1,
                Set.of());
    }

    /** True for a schema change the engine made up from the history (see {@code catchUps}). */
    boolean isCatchUp(StreamEvent event) {
        return !catchUps.isEmpty() && catchUps.contains(event);
    }

    boolean isEnd() {
        return this == END;
    }

    /** Permits this batch takes in a lane's bounded queue. */
    int weight() {
        return Math.max(1, events.size());
    }

    /** The registry's version after a schema change of this batch, when known. */
    Optional<SchemaVersion> schemaVersion(StreamEvent event) {
        return schemaVersions.isEmpty() ? Optional.empty() : Optional.ofNullable(schemaVersions.get(event));
    }
}
