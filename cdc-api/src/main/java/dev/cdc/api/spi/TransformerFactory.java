package dev.cdc.api.spi;

/**
 * Builds a {@link Transformer}. Registered in {@code META-INF/services/dev.cdc.api.spi.TransformerFactory}.
 * {@code create} validates and constructs only; it opens no connection.
 */
public interface TransformerFactory extends PluginFactory {

    /** A new transformer from validated options. */
    Transformer create(PluginContext context);
}
