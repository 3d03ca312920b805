package dev.cdc.source.mysql.snapshot;

import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.TypeKind;
import dev.cdc.jdbc.snapshot.KeysetTable;
import dev.cdc.jdbc.snapshot.ReadRow;
import dev.cdc.source.mysql.schema.ColumnInfo;
import dev.cdc.source.mysql.schema.MySqlTable;
import dev.cdc.source.mysql.types.MySqlTypes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * How a MySQL table is read in key order, with its columns' select expressions and JDBC decoding:
 * the one reading of rows that the snapshot and backfills share, so a backfilled row equals the
 * snapshot's (and the binlog's) reading of it. Key values as text are what the server prints,
 * {@code x:<hex>} for a binary column.
 */
public final class MySqlKeyset {

    private static final String BINARY_KEY = "x:";

    private MySqlKeyset() {
    }

    /** The keyset reading of {@code t}. */
    public static KeysetTable of(MySqlTable t, boolean tinyintAsBoolean) {
        String cols = t.columns().stream().map(col -> MySqlTypes.selectExpression(col, quote(col.name())))
                .collect(Collectors.joining(", "));
        List<String> pk = t.primaryKey();
        List<ColumnInfo> keyColumns = keyColumns(t);
        int[] keyIndexes = pk.stream().mapToInt(k -> t.columns().indexOf(t.column(k).orElseThrow()) + 1).toArray();
        KeysetTable.RowReader rows = rs -> {
            Row.Builder b = Row.builder();
            int i = 1;
            for (ColumnInfo col : t.columns()) {
                b.put(col.name(), MySqlTypes.fromJdbc(col, rs, i++, tinyintAsBoolean));
            }
            Row row = b.build();
            String[] keys = new String[pk.size()];
            for (int k = 0; k < keys.length; k++) {
                keys[k] = keyText(keyColumns.get(k), rs, keyIndexes[k]);
            }
            return new ReadRow(pk.isEmpty() ? Row.empty() : row.project(pk), row, keys);
        };
        return new KeysetTable(t.id(), quote(t.id().namespace()) + "." + quote(t.id().name()), cols,
                pk.stream().map(MySqlKeyset::quote).toList(), pk.stream().map(k -> "?").toList(),
                KeysetTable.Syntax.LIMIT, rows, (ps, parameter, key, text) -> bindKey(ps, parameter, text));
    }

    /** The key row of a key given as text (key column order), typed as the rows' keys are. */
    public static Row key(MySqlTable t, List<String> text, boolean tinyintAsBoolean) {
        List<ColumnInfo> keyColumns = keyColumns(t);
        if (text.size() != keyColumns.size()) {
            throw new IllegalArgumentException("key " + text + " of table " + t.id() + " has " + text.size()
                    + " values; its primary key has " + keyColumns.size() + " columns " + t.primaryKey());
        }
        Row.Builder b = Row.builder();
        for (int i = 0; i < keyColumns.size(); i++) {
            ColumnInfo c = keyColumns.get(i);
            String s = text.get(i);
            Object v;
            if (s == null) {
                v = null;
            } else if (binaryKey(c)) {
                v = HexFormat.of().parseHex(s.startsWith(BINARY_KEY) ? s.substring(BINARY_KEY.length()) : s);
            } else {
                v = MySqlTypes.fromText(c, s, tinyintAsBoolean);
            }
            b.put(c.name(), v);
        }
        return b.build();
    }

    private static List<ColumnInfo> keyColumns(MySqlTable t) {
        return t.primaryKey().stream().map(k -> t.column(k).orElseThrow()).toList();
    }

    /** The table's estimated row count (information_schema.TABLES), empty when unknown. */
    public static OptionalLong estimate(Connection c, TableId t) {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, t.namespace());
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getObject(1) != null ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            return OptionalLong.empty();
        }
    }

    private static boolean binaryKey(ColumnInfo c) {
        return !c.json() && MySqlTypes.logicalType(c, false).kind() == TypeKind.BYTES && !MySqlTypes.isText(c);
    }

    /** A key value as text for the checkpoint ({@code x:<hex>} for a binary column). */
    private static String keyText(ColumnInfo c, ResultSet rs, int index) throws SQLException {
        if (binaryKey(c)) {
            byte[] b = rs.getBytes(index);
            return b == null ? null : BINARY_KEY + HexFormat.of().formatHex(b);
        }
        return rs.getString(index);
    }

    private static void bindKey(PreparedStatement ps, int index, String text) throws SQLException {
        if (text != null && text.startsWith(BINARY_KEY)) {
            ps.setBytes(index, HexFormat.of().parseHex(text.substring(BINARY_KEY.length())));
        } else {
            ps.setString(index, text);
        }
    }

    static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
