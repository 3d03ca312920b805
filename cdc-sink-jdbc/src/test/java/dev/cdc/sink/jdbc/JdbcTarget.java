package dev.cdc.sink.jdbc;

import dev.cdc.api.event.Row;
import dev.cdc.testkit.fixture.Services;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** A target database of the tests: how to connect, quote, and read a table back without the sink. */
record JdbcTarget(String dialect, String url, String user, String password) {

    static JdbcTarget postgres() {
        return new JdbcTarget("postgresql", Services.postgresJdbcUrl(), Services.postgresUser(),
                Services.postgresPassword());
    }

    static JdbcTarget mariadb() {
        return new JdbcTarget("mariadb", Services.mariadbJdbcUrl(), Services.mariadbUser(), Services.mariadbPassword());
    }

    /** A private in-memory H2 database that lives until the JVM ends (or {@link #dropAll}). */
    static JdbcTarget h2(String name) {
        return new JdbcTarget("h2", "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** The sink options that point at this target with tables {@code <prefix>_<name>}. */
    Map<String, Object> options(String prefix) {
        return Map.of("url", url, "user", user, "password", password, "table-name", prefix + "_${name}",
                "tombstone-table", prefix + "_tomb");
    }

    String quote(String identifier) {
        return dialect.equals("mariadb") ? "`" + identifier + "`" : "\"" + identifier + "\"";
    }

    /** Every row of the table, values as the driver gives them (arrays as lists); empty when the table is missing. */
    List<Row> rows(String table) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            ResultSet rs;
            try {
                rs = st.executeQuery("SELECT * FROM " + quote(table));
            } catch (SQLException missing) {
                return List.of();
            }
            List<Row> out = new ArrayList<>();
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Row.Builder b = Row.builder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    if (v instanceof Array a) {
                        v = Arrays.asList((Object[]) a.getArray());
                    }
                    b.put(md.getColumnLabel(i), v);
                }
                out.add(b.build());
            }
            rs.close();
            return out;
        }
    }

    void execute(String... sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    void dropTables(String... tables) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String t : tables) {
                st.execute("DROP TABLE IF EXISTS " + quote(t));
            }
        }
    }
}
