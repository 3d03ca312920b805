package dev.cdc.source.postgres;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceFactory;

import java.util.List;

/** Registered in META-INF/services/dev.cdc.api.spi.SourceFactory as type {@code postgres}. */
public final class PostgresSourceFactory implements SourceFactory {

    @Override
    public String type() {
        return "postgres";
    }

    @Override
    public String description() {
        return "PostgreSQL logical replication (pgoutput) with a consistent initial snapshot.";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return PostgresSourceOptions.ALL;
    }

    @Override
    public List<ConfigProblem> validate(Configuration o) {
        if (o.get(PostgresSourceOptions.STREAMING) && o.get(PostgresSourceOptions.PROTOCOL_VERSION) < 2) {
            return List.of(ConfigProblem.of(PostgresSourceOptions.STREAMING.key(), "is true but protocol-version is "
                    + o.get(PostgresSourceOptions.PROTOCOL_VERSION) + "; streaming needs protocol-version: 2 "
                    + "(PostgreSQL 14+)"));
        }
        return List.of();
    }

    @Override
    public Source create(PluginContext context) {
        var o = context.options();
        requireValid(o);
        return new PostgresSource(o, context.metrics(), context.stateDirectory());
    }
}
