package dev.cdc.plugins.sink;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;

import java.time.Duration;
import java.util.List;

/** The {@code discard} sink: counts events and drops them, optionally slowly (for benchmarks). */
public final class DiscardSinkFactory implements SinkFactory {

    @Override
    public String type() {
        return "discard";
    }

    @Override
    public String description() {
        return "Drops every event and only counts it: a no-op target for benchmarks and dry runs.";
    }

    /** How long each write waits before it drops its batch: a slow sink, for benchmarks and tests. */
    public static final ConfigOption<Duration> DELAY_PER_BATCH = ConfigOption.key("delay-per-batch").durationType()
            .defaultValue(Duration.ZERO).check(d -> !d.isNegative(), ">= 0")
            .description("How long each write waits before it drops its batch (`5ms`): makes a slow sink for "
                    + "benchmarks and tests; 0 (the default) waits not at all.");

    @Override
    public List<ConfigOption<?>> options() {
        return List.of(DELAY_PER_BATCH);
    }

    @Override
    public Sink create(PluginContext context) {
        return new DiscardSink(context.metrics().counter("cdc.sink.discard.events",
                "Events the discard sink received and dropped."), context.options().get(DELAY_PER_BATCH));
    }
}
