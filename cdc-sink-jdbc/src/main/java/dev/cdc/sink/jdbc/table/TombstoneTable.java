package dev.cdc.sink.jdbc.table;

import dev.cdc.api.schema.DataType;
import dev.cdc.sink.jdbc.dialect.Dialect;

import java.util.List;
import java.util.Optional;

/**
 * The sink's side table of deletes and truncates: one row per deleted key (by a SHA-256 of the key's
 * JSON) and one per truncated table (key {@value #WHOLE_TABLE}), with the position of the delete, so
 * that an older insert replayed later is recognised and dropped instead of bringing the row back.
 */
public final class TombstoneTable {

    public static final String TABLE_NAME = "table_name";
    public static final String KEY_HASH = "key_hash";
    public static final String ROW_KEY = "row_key";
    public static final String SORT_KEY = "sort_key";
    public static final String DELETED_AT = "deleted_at";
    /** The key hash of a truncate: it stands for every row of the table. */
    public static final String WHOLE_TABLE = "*";

    /** The columns in the order the sink writes them. */
    public static final List<String> COLUMNS = List.of(TABLE_NAME, KEY_HASH, ROW_KEY, SORT_KEY, DELETED_AT);
    public static final List<String> KEY = List.of(TABLE_NAME, KEY_HASH);

    private TombstoneTable() {
    }

    /** {@code CREATE TABLE} of the side table in the dialect. */
    public static String create(Dialect dialect, TableRef table) {
        List<ColumnDef> columns = List.of(
                new ColumnDef(TABLE_NAME, dialect.sqlType(DataType.string(), Optional.of("varchar(255)"), true), false,
                        Optional.empty()),
                new ColumnDef(KEY_HASH, dialect.sqlType(DataType.string(), Optional.of("varchar(64)"), true), false,
                        Optional.empty()),
                new ColumnDef(ROW_KEY, dialect.sqlType(DataType.string(), Optional.empty(), false), true,
                        Optional.empty()),
                new ColumnDef(SORT_KEY, dialect.sortKeyType(), false, Optional.empty()),
                new ColumnDef(DELETED_AT, dialect.sqlType(DataType.timestampTz(6), Optional.empty(), false), false,
                        Optional.empty()));
        return dialect.createTable(table, columns, KEY);
    }
}
