package dev.cdc.testkit.sink;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A named in-memory target that outlives sink instances, as a real index or file does. Thread-safe. */
final class MemoryTarget {

    private static final Map<String, MemoryTarget> TARGETS = new ConcurrentHashMap<>();

    private record Stored(Row row, String sortKey) {
    }

    private final Map<TableId, Map<Row, Stored>> tables = new LinkedHashMap<>();
    private final List<LogEntry> log = new ArrayList<>();

    static MemoryTarget named(String name) {
        return TARGETS.computeIfAbsent(name, n -> new MemoryTarget());
    }

    static void remove(String name) {
        TARGETS.remove(name);
    }

    static SinkView view(String name, MemorySinkFactory.Mode mode) {
        MemoryTarget target = named(name);
        if (mode == MemorySinkFactory.Mode.STATE) {
            return (SinkView.State) target::rows;
        }
        return (SinkView.Log) target::entries;
    }

    synchronized List<Row> rows(TableId table) {
        return tables.getOrDefault(table, Map.of()).values().stream().map(Stored::row).filter(r -> r != null)
                .toList();
    }

    synchronized List<LogEntry> entries() {
        return List.copyOf(log);
    }

    synchronized void append(ChangeEvent e) {
        log.add(new LogEntry(e.operation(), e.table(), e.key(), e.after()));
    }

    /** Applies one event to the latest-row-per-key state. */
    synchronized void upsert(ChangeEvent e, boolean orderGuard, boolean applyDeletes) {
        Map<Row, Stored> rows = tables.computeIfAbsent(e.table(), t -> new LinkedHashMap<>());
        if (e.operation() == dev.cdc.api.event.Operation.TRUNCATE) {
            rows.clear();
            return;
        }
        Stored old = rows.get(e.key());
        String sortKey = e.position().sortKey();
        if (orderGuard && old != null && old.sortKey().compareTo(sortKey) >= 0) {
            return;
        }
        if (e.isDelete()) {
            if (applyDeletes) {
                rows.put(e.key(), new Stored(null, sortKey));
            }
            return;
        }
        Row after = e.after().orElseThrow();
        Row previous = old == null ? null : old.row();
        Map<String, Object> merged = new LinkedHashMap<>();
        after.asMap().forEach((column, value) -> {
            if (value != Unchanged.VALUE) {
                merged.put(column, value);
            } else if (previous != null && previous.has(column)) {
                merged.put(column, previous.get(column));
            }
        });
        rows.put(e.key(), new Stored(Row.copyOf(merged), sortKey));
    }
}
