package dev.cdc.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cdc.testkit.fixture.Services;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Tables of PostgreSQL and MariaDB read as canonical text per value, to compare a source table with
 * its replica in another database value by value: integers of any width as integers, decimals
 * without trailing zeros, floats and doubles by their exact Java text, bytes as hex, dates and times
 * as ISO text, zoned timestamps as UTC date-times (MariaDB's in a UTC session), floats through the
 * binary protocol (MariaDB's text protocol rounds them to 6 digits), JSON (and arrays,
 * which MariaDB keeps as JSON) parsed and written back compactly with sorted keys. The sink's sort
 * key column is left out.
 */
final class ExactRows {

    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS,
            true);
    private static final String SORT_KEY = "__cdc_sort_key";

    private ExactRows() {
    }

    static Connection postgres() throws SQLException {
        return DriverManager.getConnection(Services.postgresJdbcUrl(), Services.postgresUser(), Services.postgresPassword());
    }

    /** A MariaDB connection whose session reads TIMESTAMP columns in UTC. */
    static Connection mariadb() throws SQLException {
        // the binary protocol: the text protocol shows FLOAT columns to 6 digits only
        String url = Services.mariadbJdbcUrl();
        Connection c = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + "useServerPrepStmts=true",
                Services.mariadbUser(), Services.mariadbPassword());
        try (Statement st = c.createStatement()) {
            st.execute("SET time_zone = '+00:00'");
        }
        return c;
    }

    /** Every row by {@code id}, each column (lower case) to its canonical text; JSON columns compared as JSON. */
    static Map<Long, Map<String, String>> of(Connection c, String table, Set<String> jsonColumns) throws Exception {
        Map<Long, Map<String, String>> rows = new TreeMap<>();
        try (PreparedStatement st = c.prepareStatement("SELECT * FROM " + table); ResultSet rs = st.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, String> row = new TreeMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String name = md.getColumnLabel(i).toLowerCase(Locale.ROOT);
                    if (!name.equals(SORT_KEY)) {
                        row.put(name, value(rs, i, md, jsonColumns.contains(name)));
                    }
                }
                rows.put(rs.getLong("id"), row);
            }
        }
        return rows;
    }

    private static String value(ResultSet rs, int i, ResultSetMetaData md, boolean json) throws Exception {
        String type = md.getColumnTypeName(i).toLowerCase(Locale.ROOT);
        int jdbc = md.getColumnType(i);
        Object v;
        if (jdbc == Types.DATE) {
            v = rs.getObject(i, LocalDate.class);
        } else if (jdbc == Types.TIME) {
            v = rs.getObject(i, LocalTime.class);
        } else if (type.equals("timestamptz")) {
            OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
            v = t == null ? null : t.atZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
        } else if (jdbc == Types.TIMESTAMP || type.startsWith("datetime") || type.startsWith("timestamp")) {
            v = rs.getObject(i, LocalDateTime.class);
        } else {
            v = rs.getObject(i);
        }
        if (v == null) {
            return null;
        }
        if (json || v instanceof Array) {
            Object tree = v instanceof Array a ? Arrays.asList((Object[]) a.getArray())
                    : JSON.readValue(v.toString(), Object.class);
            return JSON.writeValueAsString(JSON.convertValue(tree, Object.class));
        }
        if (v instanceof BigDecimal d) {
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte || v instanceof BigInteger) {
            return new BigInteger(v.toString()).toString();
        }
        if (v instanceof java.sql.Blob blob) {
            v = blob.getBytes(1, (int) blob.length());
        }
        if (v instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        }
        if (v instanceof Boolean b) {
            return b.toString();
        }
        return v.toString();
    }

    /** The first difference between two tables read by {@link #of}, or empty when they are equal. */
    static String difference(Map<Long, Map<String, String>> expected, Map<Long, Map<String, String>> actual) {
        for (Map.Entry<Long, Map<String, String>> e : expected.entrySet()) {
            Map<String, String> row = actual.get(e.getKey());
            if (row == null) {
                return "id " + e.getKey() + " missing";
            }
            if (!row.equals(e.getValue())) {
                for (String column : e.getValue().keySet()) {
                    if (!java.util.Objects.equals(e.getValue().get(column), row.get(column))) {
                        return "id " + e.getKey() + " column " + column + ": source " + e.getValue().get(column)
                                + ", target " + row.get(column) + (row.containsKey(column) ? "" : " (no such column)");
                    }
                }
                return "id " + e.getKey() + ": source " + e.getValue() + ", target " + row;
            }
        }
        for (Long id : actual.keySet()) {
            if (!expected.containsKey(id)) {
                return "id " + id + " is in the target but was deleted at the source";
            }
        }
        return "";
    }
}
