package dev.cdc.core.runtime;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;

import java.time.Instant;
import java.util.List;

/**
 * What the source thread hands each lane: the events of one emitted batch that passed the
 * pipeline-wide filters (possibly none), and the sequence and position of the batch's last
 * source event. A lane that has handled a batch acknowledges its {@code lastSequence}, so the
 * checkpoint moves past filtered events too.
 */
record LaneBatch(List<StreamEvent> events, long lastSequence, Position lastPosition, Instant firstCommitTime) {

    /** Sent after the last batch: the lane drains, acknowledges and ends. */
    static final LaneBatch END = new LaneBatch(List.of(), Long.MIN_VALUE, null, null);

    boolean isEnd() {
        return this == END;
    }

    /** Permits this batch takes in a lane's bounded queue. */
    int weight() {
        return Math.max(1, events.size());
    }
}
