package dev.cdc.testkit.sink;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import dev.cdc.testkit.assertion.CanonicalRows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a STATE target must hold after a sequence of deliveries: the reference semantics that
 * {@link SinkContract} compares a real sink with. Keys are canonical; deletes leave a tombstone
 * so that, with an order guard, an older event for a deleted key is ignored too.
 */
final class ExpectedState {

    private record Entry(Row row, String sortKey) {
    }

    private final boolean orderGuard;
    private final Map<TableId, Map<Map<String, Object>, Entry>> tables = new TreeMap<>();
    private final Map<TableId, List<String>> keyColumns = new TreeMap<>();
    private final Map<TableId, Set<String>> columns = new TreeMap<>();

    ExpectedState(boolean orderGuard) {
        this.orderGuard = orderGuard;
    }

    /** The state after {@code deliveries}, applied in the order given. */
    static ExpectedState after(List<ChangeEvent> deliveries, boolean orderGuard) {
        ExpectedState state = new ExpectedState(orderGuard);
        deliveries.forEach(state::apply);
        return state;
    }

    void apply(ChangeEvent event) {
        TableId table = event.table();
        Map<Map<String, Object>, Entry> rows = tables.computeIfAbsent(table, t -> new LinkedHashMap<>());
        Set<String> tableColumns = columns.computeIfAbsent(table, t -> new LinkedHashSet<>());
        switch (event.operation()) {
            case TRUNCATE -> rows.clear();
            case DELETE, CREATE, READ, UPDATE -> {
                keyColumns.put(table, List.copyOf(event.key().columns()));
                tableColumns.addAll(event.key().columns());
                Map<String, Object> key = CanonicalRows.of(event.key());
                Entry previous = rows.get(key);
                String sortKey = event.position().sortKey();
                if (orderGuard && previous != null && previous.sortKey().compareTo(sortKey) >= 0) {
                    return;
                }
                if (event.isDelete()) {
                    rows.put(key, new Entry(null, sortKey));
                } else {
                    Row after = event.after().orElseThrow();
                    tableColumns.addAll(after.columns());
                    rows.put(key, new Entry(merge(previous, after), sortKey));
                }
            }
            default -> throw new AssertionError(event.operation());
        }
    }

    /** An unchanged column keeps the previous value; with no previous value it stays absent. */
    private static Row merge(Entry previous, Row after) {
        if (!after.hasUnchanged()) {
            return after;
        }
        Row before = previous == null ? null : previous.row();
        Row.Builder merged = Row.builder();
        after.asMap().forEach((column, value) -> {
            if (value != Unchanged.VALUE) {
                merged.put(column, value);
            } else if (before != null && before.has(column)) {
                merged.put(column, before.get(column));
            }
        });
        return merged.build();
    }

    Set<TableId> tables() {
        return tables.keySet();
    }

    /** The key columns of the table, as its events named them. */
    List<String> keyColumns(TableId table) {
        return keyColumns.getOrDefault(table, List.of());
    }

    /** Every column any event wrote for the table. */
    Set<String> columns(TableId table) {
        return columns.getOrDefault(table, Set.of());
    }

    /** The live rows of the table: canonical key to canonical row. */
    Map<Map<String, Object>, Map<String, Object>> rows(TableId table) {
        Map<Map<String, Object>, Map<String, Object>> out = new LinkedHashMap<>();
        tables.getOrDefault(table, Map.of()).forEach((key, entry) -> {
            if (entry.row() != null) {
                out.put(key, CanonicalRows.of(entry.row()));
            }
        });
        return out;
    }

    /** A description for failure messages. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (TableId t : tables.keySet()) {
            parts.add(t + "=" + rows(t).values());
        }
        return String.join(", ", parts);
    }
}
