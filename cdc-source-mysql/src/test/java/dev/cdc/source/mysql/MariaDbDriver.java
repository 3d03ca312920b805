package dev.cdc.source.mysql;

import dev.cdc.api.event.TableId;
import dev.cdc.testkit.fixture.Services;
import dev.cdc.testkit.source.SourceDriver;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/** Changes the test MariaDB for the contract and the other integration tests. */
final class MariaDbDriver implements SourceDriver {

    final Connection connection;

    MariaDbDriver() throws SQLException {
        connection = open();
    }

    static Connection open() throws SQLException {
        return DriverManager.getConnection(Services.mariadbJdbcUrl(), Services.mariadbUser(), Services.mariadbPassword());
    }

    @Override
    public String namespace() {
        return "test";
    }

    @Override
    public void createTable(TableId table) throws Exception {
        execute("DROP TABLE IF EXISTS " + q(table));
        execute("CREATE TABLE " + q(table) + " (id BIGINT PRIMARY KEY, name TEXT, amount DECIMAL(12,2))");
    }

    @Override
    public void insert(TableId table, long id, String name, BigDecimal amount) throws Exception {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + q(table) + " VALUES (?, ?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, name);
            ps.setBigDecimal(3, amount);
            ps.executeUpdate();
        }
    }

    @Override
    public void update(TableId table, long id, String name, BigDecimal amount) throws Exception {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE " + q(table) + " SET name = ?, amount = ? WHERE id = ?")) {
            ps.setString(1, name);
            ps.setBigDecimal(2, amount);
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }

    @Override
    public void delete(TableId table, long id) throws Exception {
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + q(table) + " WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    @Override
    public void dropTable(TableId table) throws Exception {
        execute("DROP TABLE IF EXISTS " + q(table));
    }

    void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    static String q(TableId t) {
        return "`" + t.namespace() + "`.`" + t.name() + "`";
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
