package dev.cdc.sink.jdbc.write;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a batch into what the target must receive, per table in order of first appearance: runs
 * of row changes split at each TRUNCATE, and in each run only the newest change of each key (by
 * sort key, so a batch holding a replay is right too), with the unchanged columns of that change
 * filled from an older change of the run that had them. Stateless.
 */
public final class BatchCompactor {

    /** What one table receives, in order: runs of rows and truncates. */
    public sealed interface Part {
        TableId table();
    }

    /** The newest change per key of a run (or every change, for a table without a key). */
    public record Rows(TableId table, List<ChangeEvent> events) implements Part {
    }

    public record Truncate(TableId table, ChangeEvent event) implements Part {
    }

    private BatchCompactor() {
    }

    public static List<Part> compact(List<ChangeEvent> batch) {
        Map<TableId, List<ChangeEvent>> byTable = new LinkedHashMap<>();
        for (ChangeEvent e : batch) {
            byTable.computeIfAbsent(e.table(), t -> new ArrayList<>()).add(e);
        }
        List<Part> parts = new ArrayList<>();
        byTable.forEach((table, events) -> {
            List<ChangeEvent> run = new ArrayList<>();
            for (ChangeEvent e : events) {
                if (e.operation() == Operation.TRUNCATE) {
                    if (!run.isEmpty()) {
                        parts.add(new Rows(table, newestPerKey(run)));
                        run = new ArrayList<>();
                    }
                    parts.add(new Truncate(table, e));
                } else {
                    run.add(e);
                }
            }
            if (!run.isEmpty()) {
                parts.add(new Rows(table, newestPerKey(run)));
            }
        });
        return parts;
    }

    static List<ChangeEvent> newestPerKey(List<ChangeEvent> run) {
        if (run.get(0).key().isEmpty()) {
            return run; // no key: every change stands alone
        }
        Map<Row, ChangeEvent> newest = new LinkedHashMap<>();
        for (ChangeEvent e : run) {
            ChangeEvent current = newest.get(e.key());
            if (current == null) {
                newest.put(e.key(), e);
            } else if (e.position().sortKey().compareTo(current.position().sortKey()) > 0) {
                newest.put(e.key(), withUnchangedFrom(e, current));
            }
        }
        return new ArrayList<>(newest.values());
    }

    /** {@code e} with its unchanged columns taken from {@code older}'s after row where that has them. */
    private static ChangeEvent withUnchangedFrom(ChangeEvent e, ChangeEvent older) {
        if (e.after().isEmpty() || !e.after().get().hasUnchanged() || older.after().isEmpty()) {
            return e;
        }
        Row previous = older.after().get();
        Row filled = e.after().get().map((column, value) ->
                value == Unchanged.VALUE && previous.has(column) ? previous.get(column) : value);
        return e.withRows(e.before(), Optional.of(filled));
    }
}
