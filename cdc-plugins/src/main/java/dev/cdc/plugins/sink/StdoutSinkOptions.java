package dev.cdc.plugins.sink;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.format.EnvelopeFormat;
import dev.cdc.format.DebeziumOptions;
import dev.cdc.format.EnvelopeOptions;

import java.util.List;

/** Options of the {@code stdout} sink. */
public final class StdoutSinkOptions {

    public static final ConfigOption<EnvelopeFormat> FORMAT = EnvelopeOptions.FORMAT;

    public static final ConfigOption<Boolean> PRETTY = ConfigOption.key("pretty").booleanType().defaultValue(false)
            .description("Indent each event over several lines for reading by eye; false writes one event per line.");

    static final List<ConfigOption<?>> ALL = withDebeziumOptions(FORMAT, PRETTY);

    /** The sink's own options (with {@code format}), then the debezium format's. */
    private static List<ConfigOption<?>> withDebeziumOptions(ConfigOption<?>... own) {
        List<ConfigOption<?>> all = new java.util.ArrayList<>(List.of(own));
        all.addAll(DebeziumOptions.all());
        return List.copyOf(all);
    }

    private StdoutSinkOptions() {
    }
}
