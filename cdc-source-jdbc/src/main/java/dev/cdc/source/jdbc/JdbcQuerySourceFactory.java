package dev.cdc.source.jdbc;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceFactory;
import dev.cdc.source.jdbc.query.QuerySource;

import java.util.List;

/** Registered in META-INF/services/dev.cdc.api.spi.SourceFactory as type {@code jdbc-query}. */
public final class JdbcQuerySourceFactory implements SourceFactory {

    @Override
    public String type() {
        return "jdbc-query";
    }

    @Override
    public String description() {
        return "Any JDBC database, by polling: reads rows whose timestamp (or version) column passed the last one"
                + " seen, in keyset pages, with a safety window for late commits; soft and scanned deletes";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return JdbcSourceOptions.QUERY;
    }

    @Override
    public Source create(PluginContext context) {
        return new QuerySource(JdbcSourceConfig.of(context.options(), true, context.stateDirectory()));
    }
}
