package dev.cdc.source.jdbc;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceFactory;
import dev.cdc.source.jdbc.trigger.TriggerSource;

import java.util.List;

/** Registered in META-INF/services/dev.cdc.api.spi.SourceFactory as type {@code jdbc-trigger}. */
public final class JdbcTriggerSourceFactory implements SourceFactory {

    @Override
    public String type() {
        return "jdbc-trigger";
    }

    @Override
    public String description() {
        return "Any JDBC database with row triggers (PostgreSQL, MariaDB/MySQL, H2): triggers append every change,"
                + " with before and after rows, to a change-log table that the source reads in commit-safe order";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return JdbcSourceOptions.TRIGGER;
    }

    @Override
    public Source create(PluginContext context) {
        return new TriggerSource(JdbcSourceConfig.of(context.options(), false, context.stateDirectory()));
    }
}
