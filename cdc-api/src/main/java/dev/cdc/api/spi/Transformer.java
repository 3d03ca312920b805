package dev.cdc.api.spi;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;

import java.util.Optional;

/**
 * Turns an event into another (or into nothing, which drops it). Never mutates its input (events
 * are immutable; return a copy made with the {@code with...} methods); thread-safe.
 */
public interface Transformer extends AutoCloseable {

    Optional<ChangeEvent> apply(ChangeEvent event);

    /**
     * The same transformation applied to a schema change, so the sink sees schemas that match the
     * transformed rows (a dropped column is dropped from the schema too). By default unchanged.
     */
    default Optional<SchemaChangeEvent> applySchemaChange(SchemaChangeEvent change) {
        return Optional.of(change);
    }

    @Override
    default void close() {
    }
}
