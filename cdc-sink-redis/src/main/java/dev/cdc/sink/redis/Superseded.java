package dev.cdc.sink.redis;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which events of one {@code write} the key modes need not send: an event is superseded when a
 * later event of the same batch for the same row, with a later sort key, replaces the row whole
 * (a delete, or a row without unchanged columns). Whatever Redis holds, applying both gives the
 * same key as applying only the later one: the guard applies the earlier one only if it would
 * also apply the later one, and the later one leaves nothing of the earlier behind. A hot row
 * changed many times in a batch then costs Redis one change. A TRUNCATE starts over (the events
 * before it are written before it). Stateless.
 */
final class Superseded {

    private record RowId(TableId table, Row key) {
    }

    private Superseded() {
    }

    /** The indexes of the superseded events of {@code events}. */
    static BitSet of(List<ChangeEvent> events) {
        BitSet dropped = new BitSet(events.size());
        if (events.size() < 2) {
            return dropped;
        }
        Map<RowId, Integer> later = new HashMap<>();
        for (int i = events.size() - 1; i >= 0; i--) {
            ChangeEvent e = events.get(i);
            if (e.operation() == Operation.TRUNCATE) {
                later.clear();
                continue;
            }
            if (e.key().isEmpty()) {
                continue;
            }
            RowId id = new RowId(e.table(), e.key());
            Integer next = later.get(id);
            if (next != null && e.position().sortKey().compareTo(events.get(next).position().sortKey()) < 0) {
                dropped.set(i);
                continue; // the replacing event stays the one that counts for earlier events too
            }
            if (replacesWhole(e)) {
                later.put(id, i);
            } else {
                later.remove(id);
            }
        }
        return dropped;
    }

    private static boolean replacesWhole(ChangeEvent e) {
        return e.isDelete() || e.after().map(r -> !r.hasUnchanged()).orElse(false);
    }

}
