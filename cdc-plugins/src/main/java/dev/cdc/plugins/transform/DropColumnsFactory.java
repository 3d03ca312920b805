package dev.cdc.plugins.transform;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Transformer;
import dev.cdc.api.spi.TransformerFactory;
import dev.cdc.plugins.filter.ColumnPattern;

import java.util.List;

/** Builds the {@code drop-columns} transformer. */
public final class DropColumnsFactory implements TransformerFactory {

    @Override
    public String type() {
        return "drop-columns";
    }

    @Override
    public String description() {
        return "Removes columns, chosen by glob, from row changes and from schema changes";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return DropColumnsOptions.all();
    }

    @Override
    public Transformer create(PluginContext context) {
        return new DropColumnsTransformer(ColumnPattern.compileAll(context.options().get(DropColumnsOptions.COLUMNS)));
    }
}
