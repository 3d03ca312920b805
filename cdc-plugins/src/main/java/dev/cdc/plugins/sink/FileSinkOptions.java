package dev.cdc.plugins.sink;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.format.EnvelopeFormat;
import dev.cdc.format.DebeziumOptions;
import dev.cdc.format.EnvelopeOptions;

import java.util.List;

/** Options of the {@code file} sink. */
public final class FileSinkOptions {

    public static final ConfigOption<String> PATH = ConfigOption.key("path").stringType().required()
            .check(p -> !p.isBlank(), "a file path")
            .description("The file to append JSON lines to; missing parent directories are created.");

    public static final ConfigOption<EnvelopeFormat> FORMAT = EnvelopeOptions.FORMAT;

    public static final ConfigOption<Boolean> FSYNC = ConfigOption.key("fsync").booleanType().defaultValue(true)
            .description("Force the file to disk on every flush, so an acknowledged event survives a power loss; "
                    + "false leaves it to the operating system (survives a crash of the process only).");

    static final List<ConfigOption<?>> ALL = withDebeziumOptions(PATH, FORMAT, FSYNC);

    /** The sink's own options (with {@code format}), then the debezium format's. */
    private static List<ConfigOption<?>> withDebeziumOptions(ConfigOption<?>... own) {
        List<ConfigOption<?>> all = new java.util.ArrayList<>(List.of(own));
        all.addAll(DebeziumOptions.all());
        return List.copyOf(all);
    }

    private FileSinkOptions() {
    }
}
