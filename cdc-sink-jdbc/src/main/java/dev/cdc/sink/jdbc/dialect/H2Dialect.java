package dev.cdc.sink.jdbc.dialect;

import dev.cdc.api.schema.DataType;
import dev.cdc.sink.jdbc.table.TableRef;
import dev.cdc.sink.jdbc.table.TargetColumn;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * H2 (2.x), the embedded target: standard MERGE, nanosecond times, arrays ({@code INTEGER ARRAY}),
 * uuid; json kept as text (H2's own JSON type would take a bound string as a JSON string).
 */
final class H2Dialect extends GenericDialect {

    @Override
    public String name() {
        return "h2";
    }

    @Override
    public int maxIdentifierLength() {
        return 256;
    }

    @Override
    String unconstrainedDecimal() {
        return "decfloat";
    }

    @Override
    int maxDecimalPrecision() {
        return 100_000;
    }

    @Override
    int maxVarcharLength() {
        return 1_000_000_000;
    }

    @Override
    String unboundedText() {
        return "character varying";
    }

    @Override
    String binary(Optional<Integer> length, boolean key) {
        return length.map(n -> "varbinary(" + n + ")").orElse("varbinary");
    }

    @Override
    String keyText() {
        return "character varying";
    }

    @Override
    String uuidType() {
        return "uuid";
    }

    @Override
    String array(DataType.Array type) {
        return sqlType(type.element(), Optional.empty(), false) + " array";
    }

    @Override
    int maxFractionDigits() {
        return 9;
    }

    /** H2's time types default to 0 (time) and 6 (timestamp) digits; a type without precision holds nanoseconds. */
    @Override
    String unstatedFraction() {
        return "(9)";
    }

    @Override
    protected boolean hasIfExists() {
        return true;
    }

    @Override
    public String renameColumn(TableRef table, String from, String to) {
        return "ALTER TABLE " + qualified(table) + " ALTER COLUMN " + quote(from) + " RENAME TO " + quote(to);
    }

    @Override
    public List<String> alterPrimaryKey(TableRef table, Optional<String> keyName, List<String> to) {
        List<String> out = new java.util.ArrayList<>();
        keyName.ifPresent(k -> out.add("ALTER TABLE " + qualified(table) + " DROP PRIMARY KEY"));
        if (!to.isEmpty()) {
            out.add("ALTER TABLE " + qualified(table) + " ADD PRIMARY KEY (" + quoted(to) + ")");
        }
        return out;
    }

    /** H2 types a VALUES column from its first value; an array needs saying so. */
    @Override
    protected String placeholder(TargetColumn column) {
        return column.typeName().endsWith(" array") ? "CAST(? AS " + column.typeName().toUpperCase(java.util.Locale.ROOT)
                + ")" : "?";
    }

    @Override
    public void bind(PreparedStatement statement, int index, Object value, TargetColumn column) throws SQLException {
        if (value instanceof List<?> list && column.typeName().endsWith("array")) {
            statement.setObject(index, list.stream().map(v -> v instanceof Instant i ? i.atOffset(ZoneOffset.UTC) : v)
                    .toArray());
        } else {
            super.bind(statement, index, value, column);
        }
    }
}
