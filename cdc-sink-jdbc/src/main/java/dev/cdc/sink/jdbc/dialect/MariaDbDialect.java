package dev.cdc.sink.jdbc.dialect;

import dev.cdc.api.schema.DataType;
import dev.cdc.format.ValueJson;
import dev.cdc.sink.jdbc.table.ColumnDef;
import dev.cdc.sink.jdbc.table.TableRef;
import dev.cdc.sink.jdbc.table.TargetColumn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * MariaDB and MySQL: {@code INSERT ... ON DUPLICATE KEY UPDATE} with each column guarded by
 * {@code IF(...)} (the sort key column assigned last, as MySQL evaluates assignments in order),
 * backquoted identifiers of at most 64 characters, strict mode for the session (no silent
 * truncation), times in UTC, {@code timestamp_tz} as {@code DATETIME} in UTC (MariaDB's
 * {@code TIMESTAMP} ends in 2038), arrays as JSON, string keys with a binary no-pad collation.
 */
class MariaDbDialect extends Dialect {


    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public int maxIdentifierLength() {
        return 64;
    }

    @Override
    public void configure(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("SET SESSION time_zone = '+00:00'");
            st.execute("SET SESSION sql_mode = TRIM(BOTH ',' FROM CONCAT(@@SESSION.sql_mode, ',STRICT_ALL_TABLES'))");
        }
    }

    @Override
    public String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    /** Backslashes are escapes in MariaDB's string literals (unless NO_BACKSLASH_ESCAPES). */
    @Override
    public String literal(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    @Override
    public Optional<String> currentSchema(Connection connection) throws SQLException {
        return Optional.ofNullable(connection.getCatalog());
    }

    /** MariaDB's driver reports no DECIMAL_DIGITS for times; the display size tells: datetime(6) is 26, time(3) 14. */
    @Override
    public int fractionDigits(int jdbcType, int size, int digits) {
        if (digits >= 0) {
            return digits;
        }
        if (jdbcType == java.sql.Types.TIMESTAMP && size >= 19) {
            return size == 19 ? 0 : size - 20;
        }
        if (jdbcType == java.sql.Types.TIME && size >= 10) {
            return size == 10 ? 0 : size - 11;
        }
        return -1;
    }

    @Override
    public String metadataCatalog(TableRef table, Connection connection) throws SQLException {
        return table.schema().orElse(connection.getCatalog());
    }

    @Override
    public String metadataSchema(TableRef table, Connection connection) {
        return null;
    }

    @Override
    public String sqlType(DataType type, Optional<String> sourceType, boolean key) {
        return switch (type.kind()) {
            case BOOLEAN -> "boolean";
            case INT16 -> "smallint";
            case INT32 -> "int";
            case INT64 -> "bigint";
            case FLOAT32 -> "float";
            case FLOAT64 -> "double";
            case DECIMAL -> decimal((DataType.Decimal) type);
            case STRING -> text(SourceTypes.length(sourceType, SourceTypes.TEXT), key);
            case BYTES -> binary(SourceTypes.length(sourceType, SourceTypes.BINARY), key);
            case DATE -> "date";
            case TIME -> "time" + fraction((DataType.Temporal) type);
            case TIMESTAMP, TIMESTAMP_TZ -> "datetime" + fraction((DataType.Temporal) type);
            case UUID -> uuidType();
            case JSON, ARRAY -> {
                if (key) {
                    throw new IllegalArgumentException("a " + type.describe() + " column cannot be part of a key here");
                }
                yield "json";
            }
            case OTHER -> key ? "varchar(255)" + keyCollation() : "longtext";
        };
    }

    /** Key strings compare byte by byte, trailing spaces included, as the source's key values do. */
    String keyCollation() {
        return " CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin";
    }

    /** MariaDB 10.7+ has a uuid type; MySQL keeps uuids as text. */
    String uuidType() {
        return "uuid";
    }

    private static String decimal(DataType.Decimal d) {
        if (d.precision().isEmpty()) {
            return "decimal(65,30)";
        }
        int p = d.precision().getAsInt();
        int s = d.scale().orElse(0);
        if (p > 65 || s > 38) {
            throw new IllegalArgumentException(name(p, s) + ": MariaDB's and MySQL's decimal has at most 65 digits, 38"
                    + " of them after the point");
        }
        return "decimal(" + p + "," + s + ")";
    }

    private static String name(int p, int s) {
        return "decimal(" + p + "," + s + ")";
    }

    private String text(Optional<Integer> length, boolean key) {
        if (key) {
            int n = length.orElse(255);
            if (n > 768) {
                throw new IllegalArgumentException("a key column of " + n + " characters passes MariaDB's index limit"
                        + " of 3072 bytes (768 utf8mb4 characters)");
            }
            return "varchar(" + n + ")" + keyCollation();
        }
        return length.filter(n -> n <= 16_383).map(n -> "varchar(" + n + ")").orElse("longtext");
    }

    private static String binary(Optional<Integer> length, boolean key) {
        if (key) {
            int n = length.orElse(255);
            if (n > 3072) {
                throw new IllegalArgumentException("a key column of " + n + " bytes passes MariaDB's index limit of"
                        + " 3072 bytes");
            }
            return "varbinary(" + n + ")";
        }
        return length.filter(n -> n <= 65_535).map(n -> "varbinary(" + n + ")").orElse("longblob");
    }

    private static String fraction(DataType.Temporal t) {
        int digits = t.fractionDigits().orElse(6);
        if (digits > 6) {
            throw new IllegalArgumentException("MariaDB and MySQL keep at most 6 fractional-second digits, the type has "
                    + digits);
        }
        return "(" + digits + ")";
    }

    @Override
    public String sortKeyType() {
        return "varchar(64) CHARACTER SET ascii COLLATE ascii_bin";
    }

    @Override
    public String upsert(TableRef table, List<TargetColumn> columns, List<String> keys, String guard, int rows) {
        String newer = "(" + quote(guard) + " IS NULL OR " + quote(guard) + " < VALUES(" + quote(guard) + "))";
        List<String> set = new ArrayList<>();
        for (String c : names(columns)) {
            if (!keys.contains(c) && !c.equals(guard)) {
                set.add(quote(c) + " = IF(" + newer + ", VALUES(" + quote(c) + "), " + quote(c) + ")");
            }
        }
        set.add(quote(guard) + " = IF(" + newer + ", VALUES(" + quote(guard) + "), " + quote(guard) + ")");
        return "INSERT INTO " + qualified(table) + " (" + quoted(names(columns)) + ") VALUES " + valueRows(columns, rows)
                + " ON DUPLICATE KEY UPDATE " + String.join(", ", set);
    }

    @Override
    public String insertOnce(TableRef table, List<TargetColumn> columns, String unique, int rows) {
        return "INSERT INTO " + qualified(table) + " (" + quoted(names(columns)) + ") VALUES " + valueRows(columns, rows)
                + " ON DUPLICATE KEY UPDATE " + quote(unique) + " = " + quote(unique);
    }

    @Override
    public void bind(PreparedStatement statement, int index, Object value, TargetColumn column) throws SQLException {
        if (value instanceof Double d && !Double.isFinite(d) || value instanceof Float f && !Float.isFinite(f)) {
            throw new IllegalArgumentException("the value " + value + " cannot be stored: MariaDB and MySQL have no"
                    + " NaN or Infinity in floating-point columns");
        }
        if (value instanceof String s && column.typeName().startsWith("decimal")
                && (s.equals("NaN") || s.endsWith("Infinity"))) {
            throw new IllegalArgumentException("the value " + s + " cannot be stored: MariaDB's and MySQL's decimal"
                    + " has no NaN or Infinity");
        }
        if (Values.bindPlain(statement, index, value)) {
            return;
        }
        if (value instanceof Instant i) {
            statement.setObject(index, LocalDateTime.ofInstant(i, ZoneOffset.UTC));
        } else if (value instanceof UUID u) {
            statement.setString(index, u.toString());
        } else if (value instanceof Collection<?> || value instanceof Map<?, ?>) {
            statement.setString(index, ValueJson.of(value));
        } else {
            statement.setObject(index, value);
        }
    }

    @Override
    public String createSchema(String schema) {
        return "CREATE DATABASE IF NOT EXISTS " + quote(schema);
    }

    @Override
    public String createTable(TableRef table, List<ColumnDef> columns, List<String> key) {
        return super.createTable(table, columns, key) + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
    }

    @Override
    protected boolean hasIfExists() {
        return true;
    }

    @Override
    public List<String> alterType(TableRef table, ColumnDef column) {
        return List.of("ALTER TABLE " + qualified(table) + " MODIFY COLUMN " + definition(column));
    }

    @Override
    public List<String> alterNullability(TableRef table, ColumnDef column) {
        return alterType(table, column);
    }

    @Override
    public List<String> alterPrimaryKey(TableRef table, Optional<String> keyName, List<String> to) {
        List<String> parts = new ArrayList<>();
        keyName.ifPresent(k -> parts.add("DROP PRIMARY KEY"));
        if (!to.isEmpty()) {
            parts.add("ADD PRIMARY KEY (" + quoted(to) + ")");
        }
        return parts.isEmpty() ? List.of() : List.of("ALTER TABLE " + qualified(table) + " " + String.join(", ", parts));
    }

    @Override
    public List<String> renameTable(TableRef from, TableRef to) {
        return List.of("RENAME TABLE " + qualified(from) + " TO " + qualified(to.schema().isPresent() ? to
                : new TableRef(from.schema(), to.name())));
    }
}
