package dev.cdc.plugins.checkpoint;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.CheckpointStore;
import dev.cdc.api.spi.CheckpointStoreFactory;
import dev.cdc.api.spi.PluginContext;

import java.nio.file.Path;
import java.util.List;

/** The {@code file} checkpoint store. */
public final class FileCheckpointStoreFactory implements CheckpointStoreFactory {

    @Override
    public String type() {
        return "file";
    }

    @Override
    public String description() {
        return "Keeps the checkpoint in <path>/checkpoint.json, replaced atomically and fsynced on every save.";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return FileCheckpointStoreOptions.ALL;
    }

    @Override
    public CheckpointStore create(PluginContext context) {
        return new FileCheckpointStore(Path.of(context.options().get(FileCheckpointStoreOptions.PATH)));
    }
}
