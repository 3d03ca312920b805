package dev.cdc.testkit.arch.samples;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;

import java.util.List;

/** Breaks the factory rule on purpose: not public, and no no-arg constructor. */
class HiddenSinkFactory implements SinkFactory {

    private final String type;

    HiddenSinkFactory(String type) {
        this.type = type;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public List<ConfigOption<?>> options() {
        return List.of();
    }

    @Override
    public Sink create(PluginContext context) {
        throw new UnsupportedOperationException();
    }
}
