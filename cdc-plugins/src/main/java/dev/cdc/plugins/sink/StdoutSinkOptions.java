package dev.cdc.plugins.sink;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.format.EnvelopeFormat;
import dev.cdc.format.EnvelopeOptions;

import java.util.List;

/** Options of the {@code stdout} sink. */
public final class StdoutSinkOptions {

    public static final ConfigOption<EnvelopeFormat> FORMAT = EnvelopeOptions.FORMAT;

    public static final ConfigOption<Boolean> PRETTY = ConfigOption.key("pretty").booleanType().defaultValue(false)
            .description("Indent each event over several lines for reading by eye; false writes one event per line.");

    static final List<ConfigOption<?>> ALL = List.of(FORMAT, PRETTY);

    private StdoutSinkOptions() {
    }
}
