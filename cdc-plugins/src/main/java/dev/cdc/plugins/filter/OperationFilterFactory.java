package dev.cdc.plugins.filter;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.spi.Filter;
import dev.cdc.api.spi.FilterFactory;
import dev.cdc.api.spi.PluginContext;

import java.util.List;

/** Builds the {@code operation} filter: keeps or drops row changes by operation. */
public final class OperationFilterFactory implements FilterFactory {

    @Override
    public String type() {
        return "operation";
    }

    @Override
    public String description() {
        return "Keeps or drops row changes by operation (create, update, delete, read, truncate); "
                + "schema changes always pass";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return OperationFilterOptions.all();
    }

    @Override
    public Filter create(PluginContext context) {
        Configuration options = context.options();
        return new OperationFilter(OperationFilterOptions.parse(options.get(OperationFilterOptions.INCLUDE)),
                OperationFilterOptions.parse(options.get(OperationFilterOptions.EXCLUDE)));
    }
}
