package dev.cdc.source.postgres;

import dev.cdc.api.event.TableId;
import dev.cdc.testkit.fixture.Services;
import dev.cdc.testkit.source.SourceDriver;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/** The testkit's driver for PostgreSQL: each change in its own transaction (autocommit). */
final class PgDriver implements SourceDriver {

    private final Connection connection;

    PgDriver() throws SQLException {
        connection = Pg.connect();
    }

    @Override
    public String namespace() {
        return "public";
    }

    @Override
    public void createTable(TableId table) throws Exception {
        exec("DROP TABLE IF EXISTS " + q(table));
        exec("CREATE TABLE " + q(table) + " (id bigint PRIMARY KEY, name text, amount numeric(12,2))");
    }

    @Override
    public void insert(TableId table, long id, String name, BigDecimal amount) throws Exception {
        try (PreparedStatement st = connection.prepareStatement("INSERT INTO " + q(table) + " VALUES (?, ?, ?)")) {
            st.setLong(1, id);
            st.setString(2, name);
            st.setBigDecimal(3, amount);
            st.executeUpdate();
        }
    }

    @Override
    public void update(TableId table, long id, String name, BigDecimal amount) throws Exception {
        try (PreparedStatement st = connection.prepareStatement("UPDATE " + q(table)
                + " SET name = ?, amount = ? WHERE id = ?")) {
            st.setString(1, name);
            st.setBigDecimal(2, amount);
            st.setLong(3, id);
            st.executeUpdate();
        }
    }

    @Override
    public void delete(TableId table, long id) throws Exception {
        try (PreparedStatement st = connection.prepareStatement("DELETE FROM " + q(table) + " WHERE id = ?")) {
            st.setLong(1, id);
            st.executeUpdate();
        }
    }

    @Override
    public void dropTable(TableId table) throws Exception {
        exec("DROP TABLE IF EXISTS " + q(table));
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }

    private void exec(String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }

    static String q(TableId t) {
        return "\"" + t.namespace() + "\".\"" + t.name() + "\"";
    }

    static String url() {
        return Services.postgresJdbcUrl();
    }
}
