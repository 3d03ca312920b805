package dev.cdc.api.spi;

/**
 * Builds a {@link Sink}. Registered in {@code META-INF/services/dev.cdc.api.spi.SinkFactory}.
 * {@code create} validates and constructs only; it opens no connection.
 */
public interface SinkFactory extends PluginFactory {

    /** A new sink from validated options. */
    Sink create(PluginContext context);
}
