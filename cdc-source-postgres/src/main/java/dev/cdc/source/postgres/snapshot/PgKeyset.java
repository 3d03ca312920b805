package dev.cdc.source.postgres.snapshot;

import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.jdbc.snapshot.KeysetTable;
import dev.cdc.jdbc.snapshot.ReadRow;
import dev.cdc.source.postgres.catalog.CapturedTable;
import dev.cdc.source.postgres.catalog.CatalogColumn;
import dev.cdc.source.postgres.catalog.CatalogTable;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a PostgreSQL table is read in key order, by the snapshot and by backfills alike: every
 * column as text, decoded by the table's decoders (the same values the stream decodes), key
 * values bound back as text and cast to the key column's type.
 */
public final class PgKeyset {

    private PgKeyset() {
    }

    public static KeysetTable of(CapturedTable captured, CatalogTable catalog) {
        TableId id = captured.table();
        List<String> pk = catalog.primaryKey();
        String columns = String.join(", ", captured.schema().columnNames().stream().map(PgKeyset::quote).toList());
        int[] keyIndexes = pk.stream().mapToInt(captured.schema().columnNames()::indexOf).toArray();
        int cols = captured.columnCount();
        // every row shares its table's column names: no map per row
        Row.Columns shape = Row.Columns.of(captured.schema().columnNames());
        int[] rowKey = captured.keyIndexes(); // the event's key columns, as CapturedTable.key(Row) takes them
        Row.Columns keyShape = Row.Columns.of(Arrays.stream(rowKey).mapToObj(captured::columnName).toList());
        KeysetTable.RowReader rows = rs -> {
            Object[] values = new Object[cols];
            for (int c = 0; c < cols; c++) {
                values[c] = captured.decoder(c).decode(rs.getString(c + 1));
            }
            String[] keys = new String[keyIndexes.length];
            for (int k = 0; k < keys.length; k++) {
                keys[k] = rs.getString(keyIndexes[k] + 1);
            }
            Object[] keyValues = new Object[rowKey.length];
            for (int k = 0; k < rowKey.length; k++) {
                keyValues[k] = values[rowKey[k]];
            }
            return new ReadRow(Row.of(keyShape, keyValues), Row.of(shape, values), keys);
        };
        return new KeysetTable(id, quote(id), columns, pk.stream().map(PgKeyset::quote).toList(),
                casts(catalog, pk), KeysetTable.Syntax.LIMIT, rows, KeysetTable.KeyBinder.TEXT);
    }

    /**
     * Makes {@code connection} read rows as text, which {@link #of} decodes as the stream decodes
     * pgoutput's text: no statement is prepared on the server, whose results pgjdbc would take in
     * binary from the sixth chunk on and turn back into text for {@code getString} (timestamps
     * through {@code OffsetDateTime} and its formatter, the largest cost of a row read).
     */
    public static Connection textRows(Connection connection) throws SQLException {
        connection.unwrap(PGConnection.class).setPrepareThreshold(0);
        return connection;
    }

    /** The key row of a key given as text (key column order), decoded as the stream decodes it. */
    public static Row key(CapturedTable captured, CatalogTable catalog, List<String> key) {
        Row.Builder b = Row.builder();
        List<String> pk = catalog.primaryKey();
        for (int k = 0; k < pk.size(); k++) {
            int c = captured.schema().columnNames().indexOf(pk.get(k));
            b.put(pk.get(k), captured.decoder(c).decode(key.get(k)));
        }
        return b.build();
    }

    private static List<String> casts(CatalogTable t, List<String> pk) {
        List<String> out = new ArrayList<>();
        for (String k : pk) {
            String type = t.columns().stream().filter(c -> c.name().equals(k)).findFirst()
                    .map(CatalogColumn::sourceType).orElse("text");
            out.add("CAST(? AS " + type + ")");
        }
        return out;
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static String quote(TableId t) {
        return quote(t.namespace()) + "." + quote(t.name());
    }
}
