package dev.cdc.plugins.transform;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Transformer;
import dev.cdc.api.spi.TransformerFactory;

import java.util.List;

/** Builds the {@code unwrap} transformer. */
public final class UnwrapFactory implements TransformerFactory {

    @Override
    public String type() {
        return "unwrap";
    }

    @Override
    public String description() {
        return "Marks events to be written as flat {key, value} records instead of the full change envelope";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return UnwrapOptions.all();
    }

    @Override
    public Transformer create(PluginContext context) {
        Configuration options = context.options();
        return new UnwrapTransformer(options.get(UnwrapOptions.DELETE_HANDLING), options.get(UnwrapOptions.DROP_TRUNCATES));
    }
}
