package dev.cdc.source.jdbc.trigger;

import org.h2.api.Trigger;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The row trigger {@code jdbc-trigger} installs on H2 tables ({@code CALL
 * 'dev.cdc.source.jdbc.trigger.H2ChangeTrigger'}): appends every insert, update (old and new row)
 * and delete to the change log its name names ({@link #name}), with H2's transaction id, as one row in the
 * writing transaction. Row images are JSON objects of every column (binary values as hex,
 * temporal values in ISO-8601), so a column added to the table is in them at once.
 *
 * <p>H2 runs it in the JVM that hosts the database, which must have this class on its class
 * path. One instance per trigger; H2 calls it from the writing sessions' threads.
 */
public final class H2ChangeTrigger implements Trigger {

    private static final String PREFIX = "cdc__";
    private static final String SEPARATOR = "__";
    /** H2 copies a table for ALTER TABLE and renames the copy's triggers: {@code <table>_COPY_<n>_<m>_<trigger>}. */
    private static final java.util.regex.Pattern COPY = java.util.regex.Pattern.compile("^.*_COPY_\\d+_\\d+_");

    private String schema;
    private String table;
    private String triggerName;
    private volatile String insert;
    private volatile String tableName;
    private volatile List<String> columns;

    /**
     * The name of the trigger of {@code table} that writes to the change log {@code logSchema.logName}:
     * {@code cdc__<log schema>__<log name>__<table>}; the trigger finds its change log from it.
     */
    public static String name(String logSchema, String logName, String table) {
        return PREFIX + logSchema + SEPARATOR + logName + SEPARATOR + table;
    }

    /** The start every trigger name of that change log has (for LIKE, with '_' escaped by the caller). */
    public static String prefix(String logSchema, String logName) {
        return PREFIX + logSchema + SEPARATOR + logName + SEPARATOR;
    }

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before,
                     int type) {
        this.schema = schemaName;
        this.table = tableName;
        this.triggerName = triggerName;
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        if (triggerName.contains("_COPY_") && copying(conn)) {
            return; // H2 copies the table's rows for ALTER TABLE: they are no changes
        }
        Object[] any = newRow != null ? newRow : oldRow;
        if (insert == null || columns.size() != any.length) {
            load(conn);
        }
        String op = oldRow == null ? "c" : newRow == null ? "d" : "u";
        String txid = null;
        try (PreparedStatement st = conn.prepareStatement("SELECT TRANSACTION_ID()"); ResultSet rs = st.executeQuery()) {
            if (rs.next()) {
                txid = rs.getString(1);
            }
        }
        try (PreparedStatement st = conn.prepareStatement(insert)) {
            st.setString(1, txid);
            st.setString(2, tableName);
            st.setString(3, op);
            st.setString(4, oldRow == null ? null : json(oldRow));
            st.setString(5, newRow == null ? null : json(newRow));
            st.executeUpdate();
        }
    }

    /** Whether this session is running an ALTER TABLE (whose row copy fires the copy's triggers). */
    private static boolean copying(Connection conn) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement("SELECT EXECUTING_STATEMENT FROM INFORMATION_SCHEMA.SESSIONS"
                + " WHERE SESSION_ID = SESSION_ID()"); ResultSet rs = st.executeQuery()) {
            return rs.next() && rs.getString(1) != null
                    && rs.getString(1).stripLeading().regionMatches(true, 0, "ALTER", 0, 5);
        }
    }

    private void load(Connection conn) throws SQLException {
        String name = COPY.matcher(triggerName).replaceFirst("");
        String[] parts = name.startsWith(PREFIX) ? name.substring(PREFIX.length()).split(SEPARATOR, 3) : new String[0];
        if (parts.length != 3) {
            throw new SQLException("trigger " + schema + "." + triggerName + " does not name a cdc change log"
                    + " (cdc__<schema>__<log>__<table>); create it again with `cdc setup`");
        }
        String realTable = table.replaceFirst("_COPY_\\d+_\\d+$", "");
        List<String> names = new ArrayList<>();
        try (PreparedStatement st = conn.prepareStatement("SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            st.setString(1, schema);
            st.setString(2, realTable);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        columns = List.copyOf(names);
        tableName = schema + "." + realTable;
        insert = "INSERT INTO " + quote(parts[0]) + "." + quote(parts[1])
                + " (\"txid\", \"tbl\", \"op\", \"before_row\", \"after_row\") VALUES (?, ?, ?, ?, ?)";
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private String json(Object[] row) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < row.length && i < columns.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            string(out, columns.get(i));
            out.append(':');
            value(out, row[i]);
        }
        return out.append('}').toString();
    }

    private static void value(StringBuilder out, Object v) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof BigDecimal d) {
            out.append(d.toPlainString());
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            out.append(v);
        } else if (v instanceof Boolean b) {
            out.append(b);
        } else if (v instanceof Double || v instanceof Float) {
            string(out, v.toString());
        } else if (v instanceof byte[] b) {
            string(out, HexFormat.of().formatHex(b));
        } else if (v instanceof java.sql.Timestamp t) {
            string(out, t.toLocalDateTime().toString());
        } else if (v instanceof java.sql.Date d) {
            string(out, d.toLocalDate().toString());
        } else if (v instanceof java.sql.Time t) {
            string(out, t.toLocalTime().toString());
        } else {
            string(out, v.toString());
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    @Override
    public void close() {
    }

    @Override
    public void remove() {
    }
}
