package dev.cdc.source.postgres.decoding;

import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.schema.diff.SchemaDiff;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The column renames between two shapes of a table whose columns' attnums are known: a column
 * whose attnum has another name in {@code after} was renamed. Stateless.
 */
public final class ColumnRenames {

    private ColumnRenames() {
    }

    /** Old name to new name for every column of {@code before} that is in {@code after} under another name. */
    public static Map<String, String> between(TableSchema before, List<Integer> beforeAttnums, TableSchema after,
                                              List<Integer> afterAttnums) {
        check(before, beforeAttnums);
        check(after, afterAttnums);
        Map<Integer, String> now = new HashMap<>();
        for (int i = 0; i < afterAttnums.size(); i++) {
            now.put(afterAttnums.get(i), after.columns().get(i).name());
        }
        Map<String, String> renames = new LinkedHashMap<>();
        for (int i = 0; i < beforeAttnums.size(); i++) {
            String from = before.columns().get(i).name();
            String to = now.get(beforeAttnums.get(i));
            if (to != null && !to.equals(from)) {
                renames.put(from, to);
            }
        }
        return renames;
    }

    /**
     * The changes of a schema-change event: the diff from {@code before} to {@code after} with
     * the renames, as the engine's registry computes it from the same renames; empty (the engine
     * diffs by name) when there are none, or when they cannot be applied in order (a swap
     * {@code a <-> b} needs a temporary name).
     */
    public static List<SchemaChange> changes(TableSchema before, List<Integer> beforeAttnums, TableSchema after,
                                             List<Integer> afterAttnums) {
        Map<String, String> renames = between(before, beforeAttnums, after, afterAttnums);
        if (renames.isEmpty()) {
            return List.of();
        }
        try {
            return SchemaDiff.between(before, after, renames);
        } catch (IllegalArgumentException cycle) {
            return List.of();
        }
    }

    private static void check(TableSchema schema, List<Integer> attnums) {
        if (attnums.size() != schema.columns().size()) {
            throw new IllegalArgumentException(attnums.size() + " attnums for the " + schema.columns().size()
                    + " columns of " + schema.table());
        }
    }
}
