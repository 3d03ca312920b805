package dev.cdc.format;

import dev.cdc.api.config.ConfigOption;

/** Options shared by every sink that writes envelopes; a sink lists the ones it takes among its own. */
public final class EnvelopeOptions {

    public static final ConfigOption<EnvelopeFormat> FORMAT = ConfigOption.key("format")
            .enumType(EnvelopeFormat.class).defaultValue(EnvelopeFormat.CDC)
            .description("The JSON envelope of each event: 'cdc' (this project's envelope) or 'debezium' "
                    + "(Debezium's payload with schemas disabled). See docs/envelope.md.");

    private EnvelopeOptions() {
    }
}
