package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.spi.BackfillRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fan-out by {@link BackfillRequest#SINKS_HEADER}: an event carrying it goes only to the lanes it
 * names (a backfill targeting one sink does not rewrite the others). A batch without such an event
 * goes to every lane as it is; only a batch with one is copied per lane, without the events the
 * lane is not named in (the lane still acknowledges the batch's last position, so the checkpoint
 * moves on). Stateless.
 */
final class SinkRouting {

    private SinkRouting() {
    }

    /** True when the event names the sinks it goes to. Cheap for events without headers. */
    static boolean routed(LaneEntry entry) {
        if (entry.event() instanceof ChangeEvent c) {
            Map<String, String> h = c.headers();
            return !h.isEmpty() && h.containsKey(BackfillRequest.SINKS_HEADER);
        }
        return false;
    }

    /** Whether the entry goes to {@code sink}. */
    static boolean goesTo(LaneEntry entry, String sink) {
        if (!routed(entry)) {
            return true;
        }
        String names = ((ChangeEvent) entry.event()).headers().get(BackfillRequest.SINKS_HEADER);
        for (String n : names.split(",")) {
            if (n.trim().equals(sink)) {
                return true;
            }
        }
        return false;
    }

    /** The batch as lane {@code sink} receives it. */
    static LaneBatch forLane(LaneBatch batch, String sink) {
        List<LaneEntry> kept = new ArrayList<>(batch.entries().size());
        for (LaneEntry e : batch.entries()) {
            if (goesTo(e, sink)) {
                kept.add(e);
            }
        }
        return kept.size() == batch.entries().size() ? batch
                : new LaneBatch(kept, batch.lastSequence(), batch.lastPosition(), batch.firstCommitTime(),
                batch.enqueuedAt());
    }
}
