package dev.cdc.plugins.sink;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.format.EnvelopeOptions;

import java.util.List;

/** The {@code stdout} sink: events as JSON lines on standard output. */
public final class StdoutSinkFactory implements SinkFactory {

    @Override
    public String type() {
        return "stdout";
    }

    @Override
    public String description() {
        return "Writes each event as a JSON line (cdc or debezium envelope) to standard output.";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return StdoutSinkOptions.ALL;
    }

    @Override
    public Sink create(PluginContext context) {
        return new StdoutSink(EnvelopeOptions.writer(context), context.options().get(StdoutSinkOptions.PRETTY));
    }
}
