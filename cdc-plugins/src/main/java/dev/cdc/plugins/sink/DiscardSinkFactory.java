package dev.cdc.plugins.sink;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;

import java.util.List;

/** The {@code discard} sink: counts events and drops them. It takes no options. */
public final class DiscardSinkFactory implements SinkFactory {

    @Override
    public String type() {
        return "discard";
    }

    @Override
    public String description() {
        return "Drops every event and only counts it: a no-op target for benchmarks and dry runs.";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return List.of();
    }

    @Override
    public Sink create(PluginContext context) {
        return new DiscardSink(context.metrics().counter("cdc.sink.discard.events",
                "Events the discard sink received and dropped."));
    }
}
