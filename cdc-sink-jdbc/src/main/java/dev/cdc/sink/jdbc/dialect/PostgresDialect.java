package dev.cdc.sink.jdbc.dialect;

import dev.cdc.api.schema.DataType;
import dev.cdc.sink.jdbc.table.ColumnDef;
import dev.cdc.sink.jdbc.table.TableRef;
import dev.cdc.sink.jdbc.table.TargetColumn;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * PostgreSQL: {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE} as the guarded upsert,
 * transactional DDL, identifiers of at most 63 bytes, arrays, json and jsonb, uuid.
 */
final class PostgresDialect extends GenericDialect {

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public int maxIdentifierLength() {
        return 63;
    }

    @Override
    public String lengthUnit() {
        return "bytes";
    }

    @Override
    public int identifierLength(String identifier) {
        return identifier.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public int maxBindParameters() {
        return 65_535;
    }

    @Override
    public boolean transactionalDdl() {
        return true;
    }

    @Override
    public void configure(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("SET TIME ZONE 'UTC'");
        }
    }

    @Override
    String unboundedText() {
        return "text";
    }

    @Override
    String keyText() {
        return "text";
    }

    @Override
    int maxVarcharLength() {
        return 10_485_760;
    }

    @Override
    String binary(Optional<Integer> length, boolean key) {
        return "bytea";
    }

    @Override
    String uuidType() {
        return "uuid";
    }

    /** {@code json} keeps the text as it came (a source's json column); {@code jsonb} otherwise. */
    @Override
    String json(Optional<String> sourceType, boolean key) {
        return sourceType.map(s -> s.trim().equalsIgnoreCase("json")).orElse(false) ? "json" : "jsonb";
    }

    @Override
    String array(DataType.Array type) {
        return sqlType(type.element(), Optional.empty(), false).replace("[]", "") + "[]";
    }

    @Override
    public String sortKeyType() {
        return "varchar(64) COLLATE \"C\"";
    }

    @Override
    public String upsert(TableRef table, List<TargetColumn> columns, List<String> keys, String guard, int rows) {
        List<String> set = new ArrayList<>();
        for (String c : names(columns)) {
            if (!keys.contains(c)) {
                set.add(quote(c) + " = EXCLUDED." + quote(c));
            }
        }
        return "INSERT INTO " + qualified(table) + " AS t (" + quoted(names(columns)) + ") VALUES "
                + valueRows(columns, rows) + " ON CONFLICT (" + quoted(keys) + ") DO UPDATE SET " + String.join(", ", set)
                + " WHERE t." + quote(guard) + " IS NULL OR t." + quote(guard) + " < EXCLUDED." + quote(guard);
    }

    @Override
    public String insertOnce(TableRef table, List<TargetColumn> columns, String unique, int rows) {
        return "INSERT INTO " + qualified(table) + " (" + quoted(names(columns)) + ") VALUES " + valueRows(columns, rows)
                + " ON CONFLICT (" + quote(unique) + ") DO NOTHING";
    }

    @Override
    public void bind(PreparedStatement statement, int index, Object value, TargetColumn column) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.NULL);
        } else if (value instanceof String s) {
            if (column.jdbcType() == Types.VARCHAR || column.jdbcType() == Types.CHAR
                    || column.jdbcType() == Types.LONGVARCHAR) {
                statement.setString(index, s);
            } else {
                statement.setObject(index, s, Types.OTHER); // json, jsonb, uuid, numeric NaN, ...: the server parses it
            }
        } else if (value instanceof java.util.List<?> list && column.typeName().startsWith("_")) {
            statement.setObject(index, PgArrays.literal(list), Types.OTHER);
        } else if (!Values.bindPlain(statement, index, value)) {
            statement.setObject(index, Values.standard(value, column));
        }
    }

    @Override
    protected boolean hasIfExists() {
        return true;
    }

    @Override
    public List<String> alterType(TableRef table, ColumnDef column) {
        return List.of("ALTER TABLE " + qualified(table) + " ALTER COLUMN " + quote(column.name()) + " TYPE "
                + column.sqlType() + " USING " + quote(column.name()) + "::" + column.sqlType());
    }

    @Override
    public List<String> alterPrimaryKey(TableRef table, Optional<String> keyName, List<String> to) {
        List<String> parts = new ArrayList<>();
        keyName.ifPresent(k -> parts.add("DROP CONSTRAINT " + quote(k)));
        if (!to.isEmpty()) {
            parts.add("ADD PRIMARY KEY (" + quoted(to) + ")");
        }
        return parts.isEmpty() ? List.of() : List.of("ALTER TABLE " + qualified(table) + " " + String.join(", ", parts));
    }

    @Override
    public List<String> renameTable(TableRef from, TableRef to) {
        List<String> out = new ArrayList<>();
        TableRef at = from;
        if (!from.schema().equals(to.schema()) && to.schema().isPresent()) {
            out.add("ALTER TABLE " + qualified(from) + " SET SCHEMA " + quote(to.schema().get()));
            at = new TableRef(to.schema(), from.name());
        }
        if (!from.name().equals(to.name())) {
            out.add("ALTER TABLE " + qualified(at) + " RENAME TO " + quote(to.name()));
        }
        return out;
    }
}
