package dev.cdc.api.verify;

import dev.cdc.api.spi.PluginContext;

/**
 * Makes the {@link SinkReader} of one sink type. Registered in
 * {@code META-INF/services/dev.cdc.api.verify.SinkReaderFactory}; {@link #type()} is the sink
 * factory's type, and {@link #create} gets the same context (the sink's validated options).
 * Opens no connection.
 */
public interface SinkReaderFactory {

    /** The sink type this reads back ({@code elasticsearch}). */
    String type();

    /**
     * A reader for the sink.
     *
     * @throws dev.cdc.api.error.NotSupportedException when this configuration of the sink cannot be
     *         read back (a mode that keeps no rows), saying why
     */
    SinkReader create(PluginContext context);
}
