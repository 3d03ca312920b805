package dev.cdc.source.postgres;

import dev.cdc.testkit.fixture.Services;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Small JDBC helpers for the integration tests. */
final class Pg {

    private Pg() {
    }

    static Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", Services.postgresUser());
        if (!Services.postgresPassword().isEmpty()) {
            p.setProperty("password", Services.postgresPassword());
        }
        return DriverManager.getConnection(Services.postgresJdbcUrl(), p);
    }

    static void exec(String... sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    static List<Map<String, Object>> query(String sql) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    /** Drops the slot (terminating its walsender if needed) and the publication, if they exist. */
    static void dropSlotAndPublication(String slot, String publication) throws Exception {
        for (int i = 0; i < 50; i++) {
            try {
                exec("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '" + slot
                        + "' AND active_pid IS NOT NULL");
                exec("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                        + slot + "'");
                break;
            } catch (SQLException e) {
                Thread.sleep(100);
            }
        }
        exec("DROP PUBLICATION IF EXISTS " + publication);
    }

    /** The slot's confirmed_flush_lsn as a number, or -1. */
    static long confirmedFlush(String slot) throws SQLException {
        List<Map<String, Object>> rows = query("SELECT (confirmed_flush_lsn - '0/0')::bigint AS f FROM "
                + "pg_replication_slots WHERE slot_name = '" + slot + "'");
        return rows.isEmpty() || rows.get(0).get("f") == null ? -1 : ((Number) rows.get(0).get("f")).longValue();
    }

    /** The server's major version, e.g. "15". */
    static String serverMajorVersion() throws SQLException {
        return String.valueOf(((Number) query("SELECT current_setting('server_version_num')::int / 10000 AS v").get(0)
                .get("v")).intValue());
    }
}
