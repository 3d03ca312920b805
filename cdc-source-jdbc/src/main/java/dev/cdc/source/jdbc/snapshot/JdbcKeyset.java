package dev.cdc.source.jdbc.snapshot;

import dev.cdc.api.event.Row;
import dev.cdc.jdbc.snapshot.KeysetTable;
import dev.cdc.jdbc.snapshot.ReadRow;
import dev.cdc.source.jdbc.catalog.JdbcColumn;
import dev.cdc.source.jdbc.catalog.JdbcTable;
import dev.cdc.source.jdbc.catalog.JdbcTypes;
import dev.cdc.source.jdbc.catalog.KeyProjection;
import dev.cdc.source.jdbc.dialect.Dialect;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A captured table as a {@link KeysetTable} for the shared snapshot machinery: every column
 * selected by name and read in its logical type, key values kept as the database's text (binary
 * ones as {@code x:<hex>}) and bound back through the dialect's key parameter.
 */
public final class JdbcKeyset {

    private static final String BINARY = "x:";

    private JdbcKeyset() {
    }

    public static KeysetTable of(JdbcTable table, Dialect dialect) {
        List<JdbcColumn> columns = table.columns();
        Row.Columns names = Row.Columns.of(table.columnNames());
        List<JdbcColumn> key = table.primaryKey().stream().map(k -> table.column(k).orElseThrow()).toList();
        int[] keyIndexes = key.stream().mapToInt(k -> columns.indexOf(k) + 1).toArray();
        KeyProjection projection = new KeyProjection(table);
        KeysetTable.RowReader rows = rs -> {
            Object[] values = new Object[columns.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = JdbcTypes.read(rs, i + 1, columns.get(i).type());
            }
            Row row = Row.of(names, values);
            String[] keys = new String[keyIndexes.length];
            for (int k = 0; k < keys.length; k++) {
                keys[k] = keyText(values[keyIndexes[k] - 1], rs, keyIndexes[k], key.get(k));
            }
            return new ReadRow(projection.of(values), row, keys);
        };
        return new KeysetTable(table.id(), dialect.qualified(table.id()),
                columns.stream().map(c -> dialect.quote(c.name())).collect(Collectors.joining(", ")),
                key.stream().map(c -> dialect.quote(c.name())).toList(), key.stream().map(dialect::keyParameter).toList(),
                dialect.syntax(), rows, (st, parameter, k, text) -> {
                    if (text != null && text.startsWith(BINARY) && JdbcTypes.isBinary(key.get(k).type())) {
                        st.setBytes(parameter, HexFormat.of().parseHex(text.substring(BINARY.length())));
                    } else {
                        st.setString(parameter, text);
                    }
                });
    }

    /** A key value already read as text: an integer's is its digits (no second read of the column), others' as below. */
    public static String keyText(Object value, ResultSet rs, int index, JdbcColumn column) throws SQLException {
        return value instanceof Long || value instanceof Integer || value instanceof Short ? value.toString()
                : keyText(rs, index, column);
    }

    /** A key value as text for a checkpoint. */
    public static String keyText(ResultSet rs, int index, JdbcColumn column) throws SQLException {
        if (JdbcTypes.isBinary(column.type())) {
            byte[] b = rs.getBytes(index);
            return b == null ? null : BINARY + HexFormat.of().formatHex(b);
        }
        return rs.getString(index);
    }
}
