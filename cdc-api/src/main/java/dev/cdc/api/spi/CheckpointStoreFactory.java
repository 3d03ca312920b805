package dev.cdc.api.spi;

/**
 * Builds a {@link CheckpointStore}. Registered in {@code META-INF/services/dev.cdc.api.spi.CheckpointStoreFactory}.
 * {@code create} validates and constructs only; it opens no connection.
 */
public interface CheckpointStoreFactory extends PluginFactory {

    /** A new checkpoint store from validated options. */
    CheckpointStore create(PluginContext context);
}
