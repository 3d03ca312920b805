package dev.cdc.source.mysql.snapshot;

import dev.cdc.api.event.TableId;
import dev.cdc.jdbc.snapshot.KeysetRowReader;
import dev.cdc.jdbc.snapshot.KeysetTable;
import dev.cdc.source.mysql.MySqlSourceConfig;
import dev.cdc.source.mysql.schema.MySqlTable;
import dev.cdc.source.mysql.schema.SchemaReader;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The MySQL/MariaDB source read back for {@code cdc verify}: the tables it captures (its
 * {@code tables} pattern in its database, the watermark table left out), each read with the
 * snapshot's keyset statement and decoding ({@link MySqlKeyset}), on one autocommit connection
 * in UTC as the snapshot's.
 */
public final class MySqlRowReader extends KeysetRowReader {

    private final MySqlSourceConfig config;
    private Connection connection;

    public MySqlRowReader(MySqlSourceConfig config, Clock clock) {
        super(clock);
        this.config = config;
    }

    @Override
    public void open() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", config.user());
        p.setProperty("password", config.password());
        connection = DriverManager.getConnection(config.jdbcUrl(), p);
        try (Statement s = connection.createStatement()) {
            s.execute("SET SESSION time_zone = '+00:00'");
        }
    }

    @Override
    public List<TableId> tables() throws SQLException {
        return SchemaReader.tableNames(connection, config.database()).stream()
                .filter(n -> config.captures(config.database(), n)).map(n -> TableId.of(config.database(), n))
                .sorted().toList();
    }

    @Override
    protected Connection connection() {
        return connection;
    }

    @Override
    protected KeysetTable describe(TableId table) throws SQLException {
        Optional<MySqlTable> t = SchemaReader.read(connection, table);
        if (t.isEmpty()) {
            throw new SQLException("table " + table + " does not exist in " + config);
        }
        return MySqlKeyset.of(t.get(), config.tinyint1AsBoolean());
    }

    @Override
    public void close() throws SQLException {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}
