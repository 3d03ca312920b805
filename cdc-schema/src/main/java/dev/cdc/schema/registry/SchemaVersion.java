package dev.cdc.schema.registry;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One version of a table's schema.
 *
 * @param table       the table
 * @param version     1 for the first schema seen, then one more per change
 * @param fingerprint {@link TableSchema#fingerprint()} of {@code schema}
 * @param schema      the schema
 * @param position    the source position of the first event with this schema (where it took effect)
 * @param seenAt      when the registry first saw it
 * @param changes     the changes from the previous version ({@code CreateTable} for version 1)
 */
public record SchemaVersion(TableId table, int version, String fingerprint, TableSchema schema, Position position,
                            Instant seenAt, List<SchemaChange> changes) {

    public SchemaVersion {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(seenAt, "seenAt");
        changes = List.copyOf(changes);
        if (version < 1) {
            throw new IllegalArgumentException("schema version of " + table + " must be >= 1 but was " + version);
        }
        if (!schema.table().equals(table)) {
            throw new IllegalArgumentException("schema version of " + table + " holds the schema of " + schema.table());
        }
    }
}
