package dev.cdc.schema.compatibility;

import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.schema.diff.TypeChanges;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether the consumers of a sink's data (readers of an index, a cache, a table) survive a
 * schema change. "Old data" is what was written before the change, "new data" after it.
 *
 * <table>
 *   <caption>Verdict of each change</caption>
 *   <tr><th>change</th><th>verdict</th></tr>
 *   <tr><td>create table</td><td>FULL</td></tr>
 *   <tr><td>add column, nullable or with a default</td><td>FULL</td></tr>
 *   <tr><td>add column, NOT NULL without a default</td><td>FORWARD</td></tr>
 *   <tr><td>drop column that was nullable or had a default</td><td>FULL</td></tr>
 *   <tr><td>drop column otherwise (or unknown)</td><td>BACKWARD</td></tr>
 *   <tr><td>alter type: same / widening / narrowing / incompatible</td><td>FULL / BACKWARD / FORWARD / BREAKING</td></tr>
 *   <tr><td>alter nullability NOT NULL to NULL</td><td>BACKWARD</td></tr>
 *   <tr><td>alter nullability NULL to NOT NULL</td><td>FORWARD</td></tr>
 *   <tr><td>alter default</td><td>FULL</td></tr>
 *   <tr><td>rename column, alter primary key, drop table, rename table</td><td>BREAKING</td></tr>
 * </table>
 * Type changes are classified by {@link TypeChanges#classify}.
 */
public enum Compatibility {
    /** Consumers on either schema read data of either schema. */
    FULL,
    /** A consumer on the new schema reads old data (a consumer on the old schema may fail on new data). */
    BACKWARD,
    /** A consumer on the old schema reads new data (a consumer on the new schema may fail on old data). */
    FORWARD,
    /** Neither: consumers must be migrated, or the data re-written (reindex, backfill). */
    BREAKING;

    /** Whether consumers keep working in at least one direction. */
    public boolean isCompatible() {
        return this != BREAKING;
    }

    /** The verdict of applying this change and then {@code other}: the directions both keep. */
    public Compatibility and(Compatibility other) {
        Objects.requireNonNull(other, "other");
        if (this == other || other == FULL) {
            return this;
        }
        if (this == FULL) {
            return other;
        }
        return BREAKING;
    }

    /**
     * The verdict of one change. {@code before} is the schema the change applies to; a drop of
     * a column it does not describe (or with {@code before} empty) is judged BACKWARD, the
     * verdict of dropping a required column.
     */
    public static Compatibility of(SchemaChange change, Optional<TableSchema> before) {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(before, "before");
        if (change instanceof SchemaChange.CreateTable) {
            return FULL;
        }
        if (change instanceof SchemaChange.AddColumn add) {
            return optional(add.column()) ? FULL : FORWARD;
        }
        if (change instanceof SchemaChange.DropColumn drop) {
            return before.flatMap(b -> b.column(drop.column())).filter(Compatibility::optional).isPresent()
                    ? FULL : BACKWARD;
        }
        if (change instanceof SchemaChange.AlterColumnType alter) {
            return switch (TypeChanges.classify(alter.from(), alter.to())) {
                case SAME -> FULL;
                case WIDENING -> BACKWARD;
                case NARROWING -> FORWARD;
                case INCOMPATIBLE -> BREAKING;
            };
        }
        if (change instanceof SchemaChange.AlterColumnNullability nullability) {
            return nullability.nullable() ? BACKWARD : FORWARD;
        }
        if (change instanceof SchemaChange.AlterColumnDefault) {
            return FULL;
        }
        // rename column, alter primary key, drop table, rename table
        return BREAKING;
    }

    /** The verdict of each change of a migration from {@code before}, in order. */
    public static List<Compatibility> of(List<SchemaChange> changes, Optional<TableSchema> before) {
        return changes.stream().map(c -> of(c, before)).toList();
    }

    /** The verdict of a whole migration: FULL when empty, else every change's verdict combined with {@link #and}. */
    public static Compatibility overall(List<Compatibility> verdicts) {
        Compatibility result = FULL;
        for (Compatibility v : verdicts) {
            result = result.and(v);
        }
        return result;
    }

    private static boolean optional(Column column) {
        return column.nullable() || column.defaultValue().isPresent();
    }
}
