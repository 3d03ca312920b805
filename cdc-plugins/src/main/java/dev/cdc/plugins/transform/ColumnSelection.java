package dev.cdc.plugins.transform;

import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.plugins.filter.ColumnPattern;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The columns that a list of {@link ColumnPattern}s selects, with each (table, column) decision
 * cached: patterns are matched once per column of each table seen. Thread-safe.
 */
final class ColumnSelection {

    private final List<ColumnPattern> patterns;
    private final Map<TableId, Map<String, Boolean>> decisions = new ConcurrentHashMap<>();

    ColumnSelection(List<ColumnPattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    boolean matches(TableId table, String column) {
        return decisions.computeIfAbsent(table, t -> new ConcurrentHashMap<>())
                .computeIfAbsent(column, c -> anyMatches(table, c));
    }

    private boolean anyMatches(TableId table, String column) {
        for (ColumnPattern p : patterns) {
            if (p.matches(table, column)) {
                return true;
            }
        }
        return false;
    }

    /** The selected columns of the rows that are present, in row order. */
    @SafeVarargs
    final Set<String> selected(TableId table, Optional<Row>... rows) {
        Set<String> out = new LinkedHashSet<>();
        for (Optional<Row> row : rows) {
            row.ifPresent(r -> r.columns().forEach(c -> {
                if (matches(table, c)) {
                    out.add(c);
                }
            }));
        }
        return out;
    }

    @Override
    public String toString() {
        return patterns.toString();
    }
}
