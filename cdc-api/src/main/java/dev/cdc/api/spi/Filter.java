package dev.cdc.api.spi;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;

/**
 * Keeps or drops events. Never mutates its input; thread-safe (it may be called from the source
 * thread and from sink lanes).
 */
public interface Filter extends AutoCloseable {

    /** True to keep the event. */
    boolean test(ChangeEvent event);

    /** True to keep the schema change; by default kept. */
    default boolean testSchemaChange(SchemaChangeEvent change) {
        return true;
    }

    @Override
    default void close() {
    }
}
