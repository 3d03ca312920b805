package dev.cdc.format;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.PluginContext;

import java.util.ArrayList;
import java.util.List;

/** Options shared by every sink that writes envelopes; a sink lists the ones it takes among its own. */
public final class EnvelopeOptions {

    public static final ConfigOption<EnvelopeFormat> FORMAT = ConfigOption.key("format")
            .enumType(EnvelopeFormat.class).defaultValue(EnvelopeFormat.CDC)
            .description("The JSON envelope of each event: 'cdc' (this project's envelope) or 'debezium' "
                    + "(Debezium's JSON, byte for byte, for consumers built for Debezium; its options below)."
                    + " See docs/envelope.md.");

    /**
     * The options a sink that writes envelopes declares among its own: {@link #FORMAT} and the
     * {@code debezium} format's options ({@link DebeziumOptions}).
     */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> all = new ArrayList<>();
        all.add(FORMAT);
        all.addAll(DebeziumOptions.ALL);
        return List.copyOf(all);
    }

    /**
     * The envelope writer of a sink that declares {@link #all()} (or only {@link #FORMAT}: the
     * {@code debezium} options then have their defaults): that format, the pipeline's name, and the
     * context's clock for {@code ts_ms}.
     */
    public static EnvelopeWriter writer(PluginContext context) {
        return EnvelopeWriter.of(context.options().get(FORMAT), context.pipelineName(), context.clock(),
                DebeziumOptions.settings(context.options(), context.pipelineName()));
    }

    private EnvelopeOptions() {
    }
}
