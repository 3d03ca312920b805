package dev.cdc.sink.jdbc.table;

import dev.cdc.sink.jdbc.dialect.Dialect;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads tables as the target database has them, through {@link DatabaseMetaData} (so every
 * dialect reads them the same way), with the names matched exactly: '_' and '%' in a name are
 * escaped, and a pattern's near misses are left out.
 */
public final class TargetCatalog {

    private final Dialect dialect;

    public TargetCatalog(Dialect dialect) {
        this.dialect = dialect;
    }

    /** The table, or empty when the database has no table of that name. */
    public Optional<TargetTable> read(Connection connection, TableRef table) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        String catalog = dialect.metadataCatalog(table, connection);
        String schema = dialect.metadataSchema(table, connection);
        String escape = md.getSearchStringEscape();
        Map<String, TargetColumn> columns = new LinkedHashMap<>();
        Map<Integer, TargetColumn> byPosition = new TreeMap<>();
        try (ResultSet rs = md.getColumns(catalog, pattern(schema, escape), pattern(table.name(), escape), "%")) {
            while (rs.next()) {
                if (!table.name().equals(rs.getString("TABLE_NAME"))
                        || schema != null && !schema.equals(rs.getString("TABLE_SCHEM"))) {
                    continue; // a pattern match of another table
                }
                int jdbcType = rs.getInt("DATA_TYPE");
                int size = rs.getInt("COLUMN_SIZE");
                int digits = rs.getInt("DECIMAL_DIGITS");
                if (rs.wasNull()) {
                    digits = -1;
                }
                if (jdbcType == Types.TIMESTAMP || jdbcType == Types.TIME || jdbcType == Types.TIMESTAMP_WITH_TIMEZONE
                        || jdbcType == Types.TIME_WITH_TIMEZONE) {
                    digits = dialect.fractionDigits(jdbcType, size, digits);
                }
                TargetColumn c = new TargetColumn(rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME"), jdbcType, size,
                        digits, rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls);
                byPosition.put(rs.getInt("ORDINAL_POSITION"), c);
            }
        }
        if (byPosition.isEmpty()) {
            return Optional.empty();
        }
        byPosition.values().forEach(c -> columns.put(c.name(), c));
        List<String> key = new ArrayList<>();
        Map<Integer, String> keyBySeq = new TreeMap<>();
        String keyName = null;
        try (ResultSet rs = md.getPrimaryKeys(catalog, schema, table.name())) {
            while (rs.next()) {
                keyBySeq.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
                keyName = rs.getString("PK_NAME");
            }
        }
        key.addAll(keyBySeq.values());
        return Optional.of(new TargetTable(table, columns, key, Optional.ofNullable(keyName)));
    }

    private static String pattern(String name, String escape) {
        if (name == null || escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }
}
