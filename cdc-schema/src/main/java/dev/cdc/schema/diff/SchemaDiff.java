package dev.cdc.schema.diff;

import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The changes that turn one version of a table's schema into the next, in the order a sink
 * applies them:
 * <ol>
 *   <li>{@code DropColumn} for each column of {@code before} that is gone (in {@code before}'s
 *       order), first, so that a renamed column may take the name of a dropped one;</li>
 *   <li>{@code RenameColumn} for each rename the source made known (diffing alone cannot tell a
 *       rename from a drop plus an add, so without known renames it reports those);</li>
 *   <li>{@code AddColumn} for each new column in {@code after}'s order, with {@code after} naming
 *       the column it follows (empty when it is the first), so each names a column that exists
 *       by then;</li>
 *   <li>per remaining column in {@code after}'s order: {@code AlterColumnType} (when the logical
 *       type changed, or only the source type name: {@code varchar(20)} to {@code varchar(200)}),
 *       {@code AlterColumnNullability}, {@code AlterColumnDefault};</li>
 *   <li>{@code AlterPrimaryKey} last, when the key columns (after renames) differ, so every
 *       column of the new key exists.</li>
 * </ol>
 * A column's position moving is not a change. Without a {@code before}, the diff is one
 * {@code CreateTable}. The table's name is not compared (a rename of a table is known only to
 * the source). Stateless and thread-safe.
 */
public final class SchemaDiff {

    private SchemaDiff() {
    }

    /** The changes from {@code before} to {@code after}, with no known renames. */
    public static List<SchemaChange> between(TableSchema before, TableSchema after) {
        return between(before, after, Map.of());
    }

    /**
     * {@link #between(TableSchema, TableSchema, Map)} for renames that may not fit: a source reports
     * renames against its own idea of the previous shape, which the engine's may differ from (a
     * transformer dropped the column, a history started later). Renames whose old name is not a
     * column of {@code before} or whose new name is not one of {@code after} are left out; when the
     * rest still cannot be applied (a cycle, two renames onto one name), no rename is used and the
     * columns are reported as dropped and added, which is always true of the two shapes.
     */
    public static List<SchemaChange> betweenReported(TableSchema before, TableSchema after,
                                                     Map<String, String> reportedRenames) {
        Map<String, String> fitting = new java.util.LinkedHashMap<>();
        reportedRenames.forEach((from, to) -> {
            if (before.column(from).isPresent() && after.column(to).isPresent()) {
                fitting.put(from, to);
            }
        });
        try {
            return between(before, after, fitting);
        } catch (IllegalArgumentException e) {
            return between(before, after);
        }
    }

    /**
     * The changes from {@code before} to {@code after}, where {@code knownRenames} maps old column
     * names to new ones as the source reported them (MySQL's {@code RENAME COLUMN}, for example).
     *
     * @throws IllegalArgumentException when a rename's old name is not a column of {@code before}
     *                                  or its new name is not a column of {@code after}
     */
    public static List<SchemaChange> between(TableSchema before, TableSchema after, Map<String, String> knownRenames) {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(knownRenames, "knownRenames");
        checkRenames(before, after, knownRenames);
        Set<String> renameTargets = new HashSet<>(knownRenames.values());
        List<SchemaChange> changes = new ArrayList<>();

        for (Column old : before.columns()) {
            boolean renamedAway = knownRenames.containsKey(old.name());
            if (!renamedAway && (after.column(old.name()).isEmpty() || renameTargets.contains(old.name()))) {
                changes.add(new SchemaChange.DropColumn(old.name()));
            }
        }
        changes.addAll(orderedRenames(before, knownRenames));
        List<Column> afterColumns = after.columns();
        for (int i = 0; i < afterColumns.size(); i++) {
            Column column = afterColumns.get(i);
            if (previous(before, knownRenames, column.name()).isEmpty()) {
                Optional<String> preceding = i == 0 ? Optional.empty() : Optional.of(afterColumns.get(i - 1).name());
                changes.add(new SchemaChange.AddColumn(column, preceding));
            }
        }
        for (Column column : afterColumns) {
            Optional<Column> previous = previous(before, knownRenames, column.name());
            if (previous.isEmpty()) {
                continue;
            }
            Column old = previous.get();
            if (!old.type().equals(column.type()) || sourceTypeChanged(old, column)) {
                changes.add(new SchemaChange.AlterColumnType(column.name(), old.type(), column.type(),
                        old.sourceType(), column.sourceType()));
            }
            if (old.nullable() != column.nullable()) {
                changes.add(new SchemaChange.AlterColumnNullability(column.name(), column.nullable()));
            }
            if (!old.defaultValue().equals(column.defaultValue())) {
                changes.add(new SchemaChange.AlterColumnDefault(column.name(), column.defaultValue()));
            }
        }
        List<String> oldKey = before.primaryKey().stream().map(k -> knownRenames.getOrDefault(k, k)).toList();
        if (!oldKey.equals(after.primaryKey())) {
            changes.add(new SchemaChange.AlterPrimaryKey(before.primaryKey(), after.primaryKey()));
        }
        return List.copyOf(changes);
    }

    /**
     * Whether the source type names of two versions of a column differ, when both are known
     * ({@code varchar(20)} and {@code varchar(200)}); case and spaces do not count. An unknown
     * source type is never a change.
     */
    public static boolean sourceTypeChanged(Column before, Column after) {
        return before.sourceType().isPresent() && after.sourceType().isPresent()
                && !normalizedSourceType(before).equals(normalizedSourceType(after));
    }

    private static String normalizedSourceType(Column c) {
        return c.sourceType().orElse("").replace(" ", "").toLowerCase(java.util.Locale.ROOT);
    }

    /** The changes that bring a table from nothing ({@code before} empty: a {@code CreateTable}) to {@code after}. */
    public static List<SchemaChange> between(Optional<TableSchema> before, TableSchema after,
                                             Map<String, String> knownRenames) {
        Objects.requireNonNull(after, "after");
        return before.map(b -> between(b, after, knownRenames))
                .orElseGet(() -> List.of(new SchemaChange.CreateTable(after)));
    }

    /**
     * The renames in {@code before}'s column order, except that a rename onto a name that another
     * rename frees comes after that one ({@code b -> c} before {@code a -> b}).
     *
     * @throws IllegalArgumentException for a cycle ({@code a -> b, b -> a}), which needs a temporary name
     */
    private static List<SchemaChange> orderedRenames(TableSchema before, Map<String, String> knownRenames) {
        List<String> pending = new ArrayList<>();
        for (Column c : before.columns()) {
            String to = knownRenames.get(c.name());
            if (to != null && !to.equals(c.name())) {
                pending.add(c.name());
            }
        }
        List<SchemaChange> renames = new ArrayList<>();
        while (!pending.isEmpty()) {
            String next = pending.stream().filter(from -> !pending.contains(knownRenames.get(from))).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("known renames of " + before.table() + " form a "
                            + "cycle " + knownRenames + "; report a swap as renames through a temporary name"));
            pending.remove(next);
            renames.add(new SchemaChange.RenameColumn(next, knownRenames.get(next)));
        }
        return renames;
    }

    /** The column of {@code before} that became {@code name} in the new version, if any. */
    private static Optional<Column> previous(TableSchema before, Map<String, String> knownRenames, String name) {
        for (Map.Entry<String, String> rename : knownRenames.entrySet()) {
            if (rename.getValue().equals(name)) {
                return before.column(rename.getKey());
            }
        }
        if (knownRenames.containsKey(name)) {
            return Optional.empty();
        }
        return before.column(name);
    }

    private static void checkRenames(TableSchema before, TableSchema after, Map<String, String> knownRenames) {
        Set<String> targets = new HashSet<>();
        for (Map.Entry<String, String> rename : knownRenames.entrySet()) {
            if (before.column(rename.getKey()).isEmpty()) {
                throw new IllegalArgumentException("known rename " + rename.getKey() + " -> " + rename.getValue()
                        + " of " + before.table() + ": '" + rename.getKey() + "' is not a column of the old schema, "
                        + "whose columns are " + before.columnNames() + "; pass only renames between these versions");
            }
            if (after.column(rename.getValue()).isEmpty()) {
                throw new IllegalArgumentException("known rename " + rename.getKey() + " -> " + rename.getValue()
                        + " of " + after.table() + ": '" + rename.getValue() + "' is not a column of the new schema, "
                        + "whose columns are " + after.columnNames() + "; pass only renames between these versions");
            }
            if (!targets.add(rename.getValue())) {
                throw new IllegalArgumentException("known renames of " + after.table() + " rename two columns to '"
                        + rename.getValue() + "': " + knownRenames + "; each new name may come from one column only");
            }
        }
    }
}
