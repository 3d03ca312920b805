package dev.cdc.plugins.generator;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceFactory;

import java.util.List;

/** Builds the {@code generator} source. Opens nothing. */
public final class GeneratorSourceFactory implements SourceFactory {

    @Override
    public String type() {
        return "generator";
    }

    @Override
    public String description() {
        return "Emits SYNTHETIC, reproducible row changes (no database) for demos, tests and benchmarks";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return GeneratorSourceOptions.all();
    }

    @Override
    public Source create(PluginContext context) {
        return new GeneratorSource(GeneratorSettings.from(context.options()), context.clock());
    }
}
