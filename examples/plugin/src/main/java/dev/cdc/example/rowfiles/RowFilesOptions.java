package dev.cdc.example.rowfiles;

import dev.cdc.api.config.ConfigOption;

import java.util.List;

/** The options of the {@code row-files} sink. */
public final class RowFilesOptions {

    public static final ConfigOption<String> DIRECTORY = ConfigOption.key("directory").stringType().required()
            .description("Where the rows are kept: one sub-directory per table, one file per key.");

    public static final ConfigOption<Boolean> FSYNC = ConfigOption.key("fsync").booleanType().defaultValue(true)
            .description("Force each file to disk on flush, so an acknowledged row survives a power cut.");

    static final List<ConfigOption<?>> ALL = List.of(DIRECTORY, FSYNC);

    private RowFilesOptions() {
    }
}
