package dev.cdc.api.verify;

import dev.cdc.api.spi.PluginContext;

/**
 * Makes the {@link RowReader} of one source type. Registered in
 * {@code META-INF/services/dev.cdc.api.verify.RowReaderFactory}; {@link #type()} is the source
 * factory's type, and {@link #create} gets the same context (the source's validated options).
 * Opens no connection.
 */
public interface RowReaderFactory {

    /** The source type this reads back ({@code postgres}). */
    String type();

    RowReader create(PluginContext context);
}
