package dev.cdc.api.spi;

/**
 * Builds a {@link Source}. Registered in {@code META-INF/services/dev.cdc.api.spi.SourceFactory}.
 * {@code create} validates and constructs only; it opens no connection.
 */
public interface SourceFactory extends PluginFactory {

    /** A new source from validated options. */
    Source create(PluginContext context);
}
