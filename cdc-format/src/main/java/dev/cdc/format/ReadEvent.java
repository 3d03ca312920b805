package dev.cdc.format;

import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.schema.TableSchema;

import java.util.Objects;
import java.util.Optional;

/**
 * An event read from a record by {@link EnvelopeReader#readRecord}, and the table's schema when the
 * record itself declared it (Debezium's schema part); the {@code cdc} envelope's schemas travel as
 * schema-change events instead.
 */
public record ReadEvent(StreamEvent event, Optional<TableSchema> schema) {
    public ReadEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(schema, "schema");
    }
}
