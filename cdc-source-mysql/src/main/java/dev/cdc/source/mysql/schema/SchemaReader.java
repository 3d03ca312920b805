package dev.cdc.source.mysql.schema;

import dev.cdc.api.event.TableId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Reads table definitions from {@code information_schema}. */
public final class SchemaReader {

    private SchemaReader() {
    }

    /** The base tables of the database, in name order. */
    public static List<String> tableNames(Connection c, String database) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** The table as it is now, or empty when it does not exist. */
    public static Optional<MySqlTable> read(Connection c, TableId table) throws SQLException {
        Set<String> jsonColumns = jsonColumns(c, table);
        List<ColumnInfo> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME,"
                + " IS_NULLABLE, COLUMN_DEFAULT, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION"
                + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, table.namespace());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    String dataType = rs.getString(2).toLowerCase(Locale.ROOT);
                    int precision = rs.getObject(7) == null ? -1 : rs.getInt(7);
                    int scale = rs.getObject(8) != null ? rs.getInt(8) : rs.getObject(9) != null ? rs.getInt(9) : -1;
                    columns.add(new ColumnInfo(name, dataType, rs.getString(3), Optional.ofNullable(rs.getString(4)),
                            "YES".equals(rs.getString(5)), Optional.ofNullable(rs.getString(6)), precision, scale,
                            dataType.equals("json") || jsonColumns.contains(name.toLowerCase(Locale.ROOT))));
                }
            }
        }
        if (columns.isEmpty()) {
            return Optional.empty();
        }
        List<String> key = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, table.namespace());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
        }
        return Optional.of(new MySqlTable(table, columns, key));
    }

    /** MariaDB's JSON is LONGTEXT with a CHECK (json_valid(`col`)); MySQL has a real json type instead. */
    private static Set<String> jsonColumns(Connection c, TableId table) {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS"
                + " WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, table.namespace());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String clause = rs.getString(1).toLowerCase(Locale.ROOT).replace(" ", "");
                    if (clause.startsWith("json_valid(") && clause.endsWith(")")) {
                        out.add(clause.substring(11, clause.length() - 1).replace("`", ""));
                    }
                }
            }
        } catch (SQLException e) {
            // MySQL's CHECK_CONSTRAINTS has no TABLE_NAME; its JSON columns have DATA_TYPE json
        }
        return out;
    }
}
