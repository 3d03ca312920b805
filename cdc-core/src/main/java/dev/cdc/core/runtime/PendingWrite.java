package dev.cdc.core.runtime;

import dev.cdc.api.error.PartialWriteException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The events of one delivery still to be written, and one attempt at writing and flushing them.
 * After a {@link PartialWriteException}, the failures the sink marked permanent take the failure
 * policy at once, and only the retriable ones, each with every later event of its key, are left
 * for the next attempt: a retry never puts an older row after a newer one, and never writes the
 * rest of the batch again. Used from the lane thread only.
 */
final class PendingWrite {

    private final Sink sink;
    private final LaneStats stats;
    private final Rejections rejections;
    private List<ChangeEvent> events;
    private int attempts;

    PendingWrite(Sink sink, List<ChangeEvent> events, LaneStats stats, Rejections rejections) {
        this.sink = sink;
        this.events = events;
        this.stats = stats;
        this.rejections = rejections;
    }

    /** Writes and flushes the events through the lane's delivery; what it gives up on takes the failure policy. */
    static void deliver(Sink sink, List<ChangeEvent> events, LaneStats stats, Rejections rejections,
                        Delivery delivery) throws Exception {
        if (events.isEmpty()) {
            return;
        }
        PendingWrite pending = new PendingWrite(sink, events, stats, rejections);
        Delivery.Outcome outcome = delivery.run(pending::attempt);
        if (!outcome.succeeded()) {
            rejections.exhausted(pending.events(), outcome.attempts(), outcome.failure().get(), delivery);
        }
    }

    /** What is left to write (all of it before the first attempt, nothing after a success). */
    List<ChangeEvent> events() {
        return events;
    }

    /** Writes and flushes what is left; throws when something is left to retry. */
    void attempt() throws Exception {
        attempts++;
        long start = System.nanoTime();
        try {
            if (!events.isEmpty()) {
                sink.write(events);
            }
            sink.flush();
            stats.writeTook(System.nanoTime() - start);
            stats.written(events.size());
            events = List.of();
        } catch (PartialWriteException partial) {
            stats.written(events.size() - partial.failures().size());
            for (PartialWriteException.EventFailure f : partial.failures()) {
                if (!f.retriable()) {
                    rejections.route(f.event(), attempts, new PartialWriteException(List.of(f)));
                }
            }
            events = retryTail(events, partial);
            if (!events.isEmpty()) {
                throw partial;
            }
            sink.flush(); // what was written besides the failures becomes durable
        }
    }

    /**
     * The events to try again after a partial failure: each retriable failed event and every later
     * event of the same key.
     */
    static List<ChangeEvent> retryTail(List<ChangeEvent> batch, PartialWriteException partial) {
        Map<TableId, Set<Row>> failedKeys = new HashMap<>();
        Map<ChangeEvent, Boolean> retriable = new IdentityHashMap<>();
        for (PartialWriteException.EventFailure f : partial.failures()) {
            if (f.retriable()) {
                retriable.put(f.event(), true);
            }
        }
        List<ChangeEvent> tail = new ArrayList<>();
        for (ChangeEvent e : batch) {
            Set<Row> keys = failedKeys.computeIfAbsent(e.table(), t -> new HashSet<>());
            if (retriable.containsKey(e)) {
                keys.add(e.key());
                tail.add(e);
            } else if (keys.contains(e.key())) {
                tail.add(e);
            }
        }
        return tail;
    }
}
