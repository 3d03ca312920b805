package dev.cdc.plugins.checkpoint;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.CheckpointStore;
import dev.cdc.api.spi.CheckpointStoreFactory;
import dev.cdc.api.spi.PluginContext;

import java.util.List;

/** The {@code memory} checkpoint store. It takes no options. */
public final class MemoryCheckpointStoreFactory implements CheckpointStoreFactory {

    @Override
    public String type() {
        return "memory";
    }

    @Override
    public String description() {
        return "Keeps the checkpoint in memory only: lost on exit, so a restart begins again (tests, embedding).";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return List.of();
    }

    @Override
    public CheckpointStore create(PluginContext context) {
        return new MemoryCheckpointStore();
    }
}
