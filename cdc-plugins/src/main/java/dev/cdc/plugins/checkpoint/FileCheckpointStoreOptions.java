package dev.cdc.plugins.checkpoint;

import dev.cdc.api.config.ConfigOption;

import java.util.List;

/** Options of the {@code file} checkpoint store. */
public final class FileCheckpointStoreOptions {

    public static final ConfigOption<String> PATH = ConfigOption.key("path").stringType().required()
            .check(p -> !p.isBlank(), "a directory path")
            .description("The directory that holds checkpoint.json; created when missing. One directory per pipeline.");

    static final List<ConfigOption<?>> ALL = List.of(PATH);

    private FileCheckpointStoreOptions() {
    }
}
