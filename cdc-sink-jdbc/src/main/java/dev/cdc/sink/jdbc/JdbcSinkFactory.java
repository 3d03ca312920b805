package dev.cdc.sink.jdbc;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.sink.jdbc.dialect.Dialect;
import dev.cdc.sink.jdbc.dialect.Dialects;
import dev.cdc.sink.jdbc.table.TableNames;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The {@code jdbc} sink's factory: checks the options together in {@link #validate} (templates, names
 * against the dialect's identifier limit, no password among the driver properties) and binds them
 * into a {@link JdbcSinkConfig}. Connects to nothing.
 */
public final class JdbcSinkFactory implements SinkFactory {

    @Override
    public String type() {
        return "jdbc";
    }

    @Override
    public String description() {
        return "Replicates rows into a SQL database (PostgreSQL, MariaDB/MySQL, H2, others through standard SQL):"
                + " batched upserts guarded by the source position, tables created from the schema, schema changes"
                + " applied as DDL that cdc schema plan previews.";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return JdbcSinkOptions.ALL;
    }

    @Override
    public List<ConfigProblem> validate(Configuration o) {
        List<ConfigProblem> problems = new ArrayList<>();
        Dialect dialect = Dialects.of(o.get(JdbcSinkOptions.DIALECT), o.get(JdbcSinkOptions.URL));
        o.getOptional(JdbcSinkOptions.SCHEMA).filter(s -> !s.isBlank()).ifPresent(schema -> TableNames.problem(schema)
                .ifPresent(p -> problems.add(ConfigProblem.of(JdbcSinkOptions.SCHEMA.key(), "'" + schema + "' " + p))));
        String table = o.get(JdbcSinkOptions.TABLE_NAME);
        TableNames.problem(table).ifPresent(p ->
                problems.add(ConfigProblem.of(JdbcSinkOptions.TABLE_NAME.key(), "'" + table + "' " + p)));
        for (ConfigOption<String> name : List.of(JdbcSinkOptions.SORT_KEY_COLUMN, JdbcSinkOptions.TOMBSTONE_TABLE)) {
            String value = o.get(name);
            int length = dialect.identifierLength(value);
            if (length > dialect.maxIdentifierLength()) {
                problems.add(ConfigProblem.of(name.key(), "'" + value + "' is " + length + " " + dialect.lengthUnit()
                        + " long, but " + dialect.name() + " allows at most " + dialect.maxIdentifierLength()
                        + "; choose a shorter name"));
            }
        }
        if (o.get(JdbcSinkOptions.PROPERTIES).containsKey("password")) {
            problems.add(ConfigProblem.of(JdbcSinkOptions.PROPERTIES.key(), "holds a password; put it in the option"
                    + " 'password' (which is never printed), with ${env:NAME} or ${file:/path}"));
        }
        return problems;
    }

    @Override
    public Sink create(PluginContext context) {
        requireValid(context.options());
        return new JdbcSink(bind(context));
    }

    /** The options as one typed record (checked by {@link #validate} first). */
    static JdbcSinkConfig bind(PluginContext context) {
        Configuration o = context.options();
        String url = o.get(JdbcSinkOptions.URL);
        Properties connection = new Properties();
        connection.putAll(o.get(JdbcSinkOptions.PROPERTIES));
        o.getOptional(JdbcSinkOptions.USER).ifPresent(u -> connection.setProperty("user", u));
        o.getOptional(JdbcSinkOptions.PASSWORD).ifPresent(p -> connection.setProperty("password", p));
        return new JdbcSinkConfig(context.instanceName(), url, connection, o.getOptional(JdbcSinkOptions.USER).orElse(""),
                Dialects.of(o.get(JdbcSinkOptions.DIALECT), url), o.getOptional(JdbcSinkOptions.SCHEMA)
                .filter(s -> !s.isBlank()), o.get(JdbcSinkOptions.TABLE_NAME), o.get(JdbcSinkOptions.ROWS_PER_STATEMENT),
                o.get(JdbcSinkOptions.KEYLESS_TABLES), o.get(JdbcSinkOptions.DROP_COLUMNS),
                o.get(JdbcSinkOptions.DROP_TABLES), o.get(JdbcSinkOptions.COLUMN_TYPES),
                o.get(JdbcSinkOptions.SORT_KEY_COLUMN), o.get(JdbcSinkOptions.TOMBSTONE_TABLE),
                o.get(JdbcSinkOptions.TOMBSTONE_RETENTION));
    }
}
