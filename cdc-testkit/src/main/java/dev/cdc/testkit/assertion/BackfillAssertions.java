package dev.cdc.testkit.assertion;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Checks of backfills while streaming that every source's tests share: per key, a backfilled row
 * never goes back in time, and what a sink that orders writes by sort key ends holding.
 */
public final class BackfillAssertions {

    private BackfillAssertions() {
    }

    /**
     * Per key, in emission order: sort keys increase, the row's version (e.g. a column every update
     * increments) never goes down, and nothing follows a DELETE (the test never reuses a key). A
     * backfilled row older than a streamed one emitted before it fails here.
     *
     * @throws AssertionError naming the key, the two events and their positions
     */
    public static void assertNeverBackInTime(List<ChangeEvent> events, Function<ChangeEvent, Object> key,
                                             ToLongFunction<Row> version) {
        Map<Object, Long> last = new HashMap<>();
        Map<Object, ChangeEvent> previous = new HashMap<>();
        for (ChangeEvent e : events) {
            Object k = key.apply(e);
            ChangeEvent before = previous.put(k, e);
            if (before != null && before.position().sortKey().compareTo(e.position().sortKey()) >= 0) {
                throw new AssertionError("key " + k + ": sort key " + e.position().sortKey() + " (" + e.operation()
                        + ") emitted after " + before.position().sortKey() + " (" + before.operation() + ")");
            }
            if (e.operation() == Operation.DELETE) {
                last.put(k, Long.MAX_VALUE);
                continue;
            }
            if (e.operation() == Operation.TRUNCATE) {
                continue;
            }
            long v = version.applyAsLong(e.after().orElseThrow());
            Long prev = last.put(k, v);
            if (prev != null && prev > v) {
                throw new AssertionError("key " + k + ": " + e.operation() + " at " + e.position() + " has version " + v
                        + " after " + (prev == Long.MAX_VALUE ? "a DELETE" : "version " + prev) + " (" + before.operation()
                        + " at " + before.position() + "): a backfilled row replaced a newer one");
            }
        }
    }

    /**
     * What a sink that orders writes by sort key ends holding (as the Elasticsearch sink's external
     * versions do): an event is applied only when its sort key is greater than the last one applied
     * to its key, deletes included (kept as tombstones). Key to row, in first-seen order.
     */
    public static Map<Object, Row> foldBySortKey(List<ChangeEvent> events, Function<ChangeEvent, Object> key) {
        Map<Object, String> sortKeys = new HashMap<>();
        Map<Object, Optional<Row>> state = new LinkedHashMap<>();
        for (ChangeEvent e : events) {
            Object k = key.apply(e);
            String s = sortKeys.get(k);
            if (s != null && s.compareTo(e.position().sortKey()) >= 0) {
                continue;
            }
            sortKeys.put(k, e.position().sortKey());
            state.put(k, e.operation() == Operation.DELETE ? Optional.empty() : e.after());
        }
        Map<Object, Row> out = new LinkedHashMap<>();
        state.forEach((k, r) -> r.ifPresent(row -> out.put(k, row)));
        return out;
    }
}
