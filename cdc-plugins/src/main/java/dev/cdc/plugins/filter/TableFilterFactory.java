package dev.cdc.plugins.filter;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.spi.Filter;
import dev.cdc.api.spi.FilterFactory;
import dev.cdc.api.spi.PluginContext;

import java.util.List;

/** Builds the {@code table} filter: keeps or drops events by table name globs. */
public final class TableFilterFactory implements FilterFactory {

    @Override
    public String type() {
        return "table";
    }

    @Override
    public String description() {
        return "Keeps or drops row and schema changes by table, with include/exclude globs over namespace.table";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return TableFilterOptions.all();
    }

    @Override
    public Filter create(PluginContext context) {
        Configuration options = context.options();
        return new TableFilter(TablePattern.compileAll(options.get(TableFilterOptions.INCLUDE)),
                TablePattern.compileAll(options.get(TableFilterOptions.EXCLUDE)));
    }
}
