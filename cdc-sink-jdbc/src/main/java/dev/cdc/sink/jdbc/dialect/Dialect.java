package dev.cdc.sink.jdbc.dialect;

import dev.cdc.api.schema.DataType;
import dev.cdc.sink.jdbc.table.ColumnDef;
import dev.cdc.sink.jdbc.table.TableRef;
import dev.cdc.sink.jdbc.table.TargetColumn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The SQL of one kind of database: identifiers, the type of each logical type, the guarded
 * upsert, DDL, session settings and how values are bound. This base class speaks standard SQL
 * (MERGE, {@code ALTER COLUMN ... SET DATA TYPE}); each known database overrides what it does
 * otherwise. Stateless and thread-safe.
 */
public abstract class Dialect {

    /** The dialect's name as the {@code dialect} option spells it. */
    public abstract String name();

    /** The longest identifier the database keeps whole, in {@link #lengthUnit()}; longer names are an error. */
    public abstract int maxIdentifierLength();

    /** {@code characters}, or {@code bytes} where the limit counts UTF-8 bytes (PostgreSQL). */
    public String lengthUnit() {
        return "characters";
    }

    /** The length of an identifier in {@link #lengthUnit()}. */
    public int identifierLength(String identifier) {
        return identifier.codePointCount(0, identifier.length());
    }

    /** The most bind parameters one statement may have. */
    public int maxBindParameters() {
        return 32_767;
    }

    /** Whether DDL runs inside a transaction (so a migration's statements commit together). */
    public boolean transactionalDdl() {
        return false;
    }

    /** Session settings made once per connection (time zone, strictness). */
    public void configure(Connection connection) throws SQLException {
    }

    // ---------------------------------------------------------------- names

    public String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    public String qualified(TableRef table) {
        return table.schema().map(s -> quote(s) + ".").orElse("") + quote(table.name());
    }

    /** A string literal. */
    public String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** The connection's current schema (or database), where tables without one go. */
    public Optional<String> currentSchema(Connection connection) throws SQLException {
        return Optional.ofNullable(connection.getSchema());
    }

    /**
     * The fractional-second digits of a time or timestamp column as the driver's metadata reports
     * it: {@code DECIMAL_DIGITS}, or -1 when it reports none.
     */
    public int fractionDigits(int jdbcType, int size, int digits) {
        return digits;
    }

    /** The catalog argument for {@code DatabaseMetaData} lookups of the table. */
    public String metadataCatalog(TableRef table, Connection connection) throws SQLException {
        return connection.getCatalog();
    }

    /** The schema argument for {@code DatabaseMetaData} lookups of the table (exact, not a pattern). */
    public String metadataSchema(TableRef table, Connection connection) throws SQLException {
        return table.schema().orElse(connection.getSchema());
    }

    // ---------------------------------------------------------------- types

    /**
     * The target type of a logical type. {@code sourceType} (the source's own type name) refines it
     * where the logical type leaves a length open ({@code varchar(20)}); {@code key} says the column
     * is part of the primary key (some databases need a bounded type there).
     *
     * @throws IllegalArgumentException with the reason when the database cannot hold the type exactly
     */
    public abstract String sqlType(DataType type, Optional<String> sourceType, boolean key);

    /** The type of the hidden sort key column: ASCII, compared byte by byte. */
    public String sortKeyType() {
        return "varchar(64)";
    }

    // ---------------------------------------------------------------- writes

    /**
     * An upsert of {@code rows} rows of {@code columns} (which include the key columns and the
     * guard), keyed by {@code keys}: a new key is inserted, an existing row is replaced only when
     * its {@code guard} value is NULL or smaller than the new one. Parameters are row by row, in
     * {@code columns} order.
     */
    public String upsert(TableRef table, List<TargetColumn> columns, List<String> keys, String guard, int rows) {
        List<String> names = names(columns);
        String s = names.stream().map(c -> "s." + quote(c)).collect(Collectors.joining(", "));
        List<String> set = new ArrayList<>();
        for (String c : names) {
            if (!keys.contains(c)) {
                set.add(quote(c) + " = s." + quote(c));
            }
        }
        return "MERGE INTO " + qualified(table) + " t USING (VALUES " + valueRows(columns, rows) + ") AS s("
                + quoted(names) + ") ON " + keys.stream().map(k -> "t." + quote(k) + " = s." + quote(k))
                .collect(Collectors.joining(" AND ")) + " WHEN MATCHED AND (t." + quote(guard) + " IS NULL OR t."
                + quote(guard) + " < s." + quote(guard) + ") THEN UPDATE SET " + String.join(", ", set)
                + " WHEN NOT MATCHED THEN INSERT (" + quoted(names) + ") VALUES (" + s + ")";
    }

    /** Inserts {@code rows} rows, each once: a row whose {@code unique} column value is already there is skipped. */
    public String insertOnce(TableRef table, List<TargetColumn> columns, String unique, int rows) {
        List<String> names = names(columns);
        String s = names.stream().map(c -> "s." + quote(c)).collect(Collectors.joining(", "));
        return "MERGE INTO " + qualified(table) + " t USING (VALUES " + valueRows(columns, rows) + ") AS s("
                + quoted(names) + ") ON t." + quote(unique) + " = s." + quote(unique)
                + " WHEN NOT MATCHED THEN INSERT (" + quoted(names) + ") VALUES (" + s + ")";
    }

    /** The bind parameter of a column's value in a VALUES row: {@code ?}, or a cast where the database needs one. */
    protected String placeholder(TargetColumn column) {
        return "?";
    }

    /** Deletes the row of a key when its guard is older than the parameter after the key values. */
    public String delete(TableRef table, List<String> keys, String guard) {
        return "DELETE FROM " + qualified(table) + " WHERE " + keys.stream().map(k -> quote(k) + " = ?")
                .collect(Collectors.joining(" AND ")) + " AND (" + quote(guard) + " IS NULL OR " + quote(guard) + " < ?)";
    }

    /** Deletes every row older than the parameter: a truncate that never removes a newer row. */
    public String truncate(TableRef table, String guard) {
        return "DELETE FROM " + qualified(table) + " WHERE " + quote(guard) + " IS NULL OR " + quote(guard) + " < ?";
    }

    /**
     * Binds one value. The base binds by the value's Java class ({@link Values#standard}); dialects
     * override it for what their driver wants.
     */
    public void bind(PreparedStatement statement, int index, Object value, TargetColumn column) throws SQLException {
        if (!Values.bindPlain(statement, index, value)) {
            statement.setObject(index, Values.standard(value, column));
        }
    }

    // ---------------------------------------------------------------- DDL

    public String createSchema(String schema) {
        return "CREATE SCHEMA " + ifNotExists() + quote(schema);
    }

    public String createTable(TableRef table, List<ColumnDef> columns, List<String> key) {
        String body = columns.stream().map(this::definition).collect(Collectors.joining(", "));
        if (!key.isEmpty()) {
            body += ", PRIMARY KEY (" + quoted(key) + ")";
        }
        return "CREATE TABLE " + ifNotExists() + qualified(table) + " (" + body + ")";
    }

    /** Whether the database has {@code IF [NOT] EXISTS} for schemas, tables and columns (else the sink checks first). */
    protected boolean hasIfExists() {
        return false;
    }

    private String ifNotExists() {
        return hasIfExists() ? "IF NOT EXISTS " : "";
    }

    private String ifExists() {
        return hasIfExists() ? "IF EXISTS " : "";
    }

    public String addColumn(TableRef table, ColumnDef column) {
        return "ALTER TABLE " + qualified(table) + " ADD COLUMN " + ifNotExists() + definition(column);
    }

    public String dropColumn(TableRef table, String column) {
        return "ALTER TABLE " + qualified(table) + " DROP COLUMN " + ifExists() + quote(column);
    }

    public String renameColumn(TableRef table, String from, String to) {
        return "ALTER TABLE " + qualified(table) + " RENAME COLUMN " + quote(from) + " TO " + quote(to);
    }

    /** Changes a column's type; {@code column} is its whole new definition. */
    public List<String> alterType(TableRef table, ColumnDef column) {
        return List.of("ALTER TABLE " + qualified(table) + " ALTER COLUMN " + quote(column.name()) + " SET DATA TYPE "
                + column.sqlType());
    }

    public List<String> alterNullability(TableRef table, ColumnDef column) {
        return List.of("ALTER TABLE " + qualified(table) + " ALTER COLUMN " + quote(column.name())
                + (column.nullable() ? " DROP NOT NULL" : " SET NOT NULL"));
    }

    public List<String> alterDefault(TableRef table, ColumnDef column) {
        return List.of("ALTER TABLE " + qualified(table) + " ALTER COLUMN " + quote(column.name())
                + column.defaultSql().map(d -> " SET DEFAULT " + d).orElse(" DROP DEFAULT"));
    }

    /** Replaces the primary key ({@code keyName}: the current key constraint's name, when there is one). */
    public List<String> alterPrimaryKey(TableRef table, Optional<String> keyName, List<String> to) {
        List<String> out = new ArrayList<>();
        keyName.ifPresent(k -> out.add("ALTER TABLE " + qualified(table) + " DROP CONSTRAINT " + quote(k)));
        if (!to.isEmpty()) {
            out.add("ALTER TABLE " + qualified(table) + " ADD PRIMARY KEY (" + quoted(to) + ")");
        }
        return out;
    }

    public List<String> renameTable(TableRef from, TableRef to) {
        return List.of("ALTER TABLE " + qualified(from) + " RENAME TO " + quote(to.name()));
    }

    public String dropTable(TableRef table) {
        return "DROP TABLE " + ifExists() + qualified(table);
    }

    /** {@code "name" type [NOT NULL] [DEFAULT x]}. */
    public String definition(ColumnDef c) {
        return quote(c.name()) + " " + c.sqlType() + c.defaultSql().map(d -> " DEFAULT " + d).orElse("")
                + (c.nullable() ? "" : " NOT NULL");
    }

    // ---------------------------------------------------------------- helpers

    /** {@code "a", "b"}. */
    protected String quoted(List<String> columns) {
        return columns.stream().map(this::quote).collect(Collectors.joining(", "));
    }

    protected static List<String> names(List<TargetColumn> columns) {
        return columns.stream().map(TargetColumn::name).toList();
    }

    /** {@code (?, ?), (?, ?)}: {@code rows} groups of one placeholder per column. */
    protected String valueRows(List<TargetColumn> columns, int rows) {
        String one = "(" + columns.stream().map(this::placeholder).collect(Collectors.joining(", ")) + ")";
        StringBuilder sb = new StringBuilder(rows * (one.length() + 2));
        for (int i = 0; i < rows; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(one);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return name();
    }
}
