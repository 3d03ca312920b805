package dev.cdc.core.runtime;

import dev.cdc.api.event.Position;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the ingest stage hands each lane for one batch the source emitted: its entries (the events
 * that passed the pipeline-wide filters, possibly none, and the catch-ups before rows), and the
 * sequence and position of the batch's last source event. A lane that has handled a batch
 * acknowledges {@code lastSequence} and {@code lastPosition}, so the checkpoint moves past filtered
 * events too.
 *
 * @param entries         the entries, in stream order
 * @param lastSequence    the sequence of the batch's last source event
 * @param lastPosition    its position
 * @param firstCommitTime the commit time of the batch's first source event (for lag)
 * @param enqueuedAt      when the ingest stage handed the batch to the lanes (for the backlog's age)
 */
public record LaneBatch(List<LaneEntry> entries, long lastSequence, Position lastPosition, Instant firstCommitTime,
                        Instant enqueuedAt) {

    public LaneBatch {
        entries = List.copyOf(entries);
        Objects.requireNonNull(lastPosition, "lastPosition");
        Objects.requireNonNull(firstCommitTime, "firstCommitTime");
        Objects.requireNonNull(enqueuedAt, "enqueuedAt");
    }

    /** Room this batch takes in a lane's bounded memory: one per entry, at least one. */
    public int weight() {
        return Math.max(1, entries.size());
    }
}
