package dev.cdc.api.spi;

/**
 * Builds a {@link Filter}. Registered in {@code META-INF/services/dev.cdc.api.spi.FilterFactory}.
 * {@code create} validates and constructs only; it opens no connection.
 */
public interface FilterFactory extends PluginFactory {

    /** A new filter from validated options. */
    Filter create(PluginContext context);
}
