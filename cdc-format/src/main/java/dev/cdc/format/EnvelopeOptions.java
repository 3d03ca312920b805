package dev.cdc.format;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.PluginContext;

/** Options shared by every sink that writes envelopes; a sink lists the ones it takes among its own. */
public final class EnvelopeOptions {

    public static final ConfigOption<EnvelopeFormat> FORMAT = ConfigOption.key("format")
            .enumType(EnvelopeFormat.class).defaultValue(EnvelopeFormat.CDC)
            .description("The JSON envelope of each event: 'cdc' (this project's envelope) or 'debezium' "
                    + "(Debezium's payload with schemas disabled). See docs/envelope.md.");

    /**
     * The envelope writer of a sink that declares {@link #FORMAT}: that format, the pipeline's
     * name, and the context's clock for {@code ts_ms}.
     */
    public static EnvelopeWriter writer(PluginContext context) {
        return EnvelopeWriter.of(context.options().get(FORMAT), context.pipelineName(), context.clock());
    }

    private EnvelopeOptions() {
    }
}
