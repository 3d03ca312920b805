package dev.cdc.sink.jdbc.dialect;

import dev.cdc.api.schema.DataType;

import java.util.Optional;

/**
 * Any other database, in standard SQL: the upsert is a {@code MERGE ... USING (VALUES ...)}
 * (SQL:2003; SQL Server, DB2, HSQLDB, Firebird and others have it), types by their standard names,
 * {@code ALTER COLUMN ... SET DATA TYPE}; no arrays. Also the base of the dialects whose types are
 * the standard ones with a few exceptions (PostgreSQL, H2), which override the hooks below.
 */
class GenericDialect extends Dialect {

    @Override
    public String name() {
        return "generic";
    }

    @Override
    public int maxIdentifierLength() {
        return 128;
    }

    @Override
    public String sqlType(DataType type, Optional<String> sourceType, boolean key) {
        return switch (type.kind()) {
            case BOOLEAN -> "boolean";
            case INT16 -> "smallint";
            case INT32 -> "integer";
            case INT64 -> "bigint";
            case FLOAT32 -> "real";
            case FLOAT64 -> "double precision";
            case DECIMAL -> decimal((DataType.Decimal) type);
            case STRING -> SourceTypes.length(sourceType, SourceTypes.TEXT)
                    .map(n -> n <= maxVarcharLength() ? "varchar(" + n + ")" : unboundedText())
                    .orElse(key ? keyText() : unboundedText());
            case BYTES -> binary(SourceTypes.length(sourceType, SourceTypes.BINARY), key);
            case DATE -> "date";
            case TIME -> "time" + fraction((DataType.Temporal) type);
            case TIMESTAMP -> "timestamp" + fraction((DataType.Temporal) type);
            case TIMESTAMP_TZ -> "timestamp" + fraction((DataType.Temporal) type) + " with time zone";
            case UUID -> uuidType();
            case JSON -> json(sourceType, key);
            case OTHER -> key ? keyText() : unboundedText();
            case ARRAY -> array((DataType.Array) type);
        };
    }

    /** A string of no declared length. */
    String unboundedText() {
        return "clob";
    }

    /** A key string of no declared length (a key cannot be a large object in most databases). */
    String keyText() {
        return "varchar(255)";
    }

    int maxVarcharLength() {
        return 32_672;
    }

    String binary(Optional<Integer> length, boolean key) {
        return length.map(n -> "varbinary(" + n + ")").orElse(key ? "varbinary(255)" : "blob");
    }

    String uuidType() {
        return "char(36)";
    }

    String json(Optional<String> sourceType, boolean key) {
        return key ? keyText() : unboundedText();
    }

    String array(DataType.Array type) {
        throw new IllegalArgumentException("the " + name() + " dialect has no array type");
    }

    /** The type of a decimal without precision. */
    String unconstrainedDecimal() {
        return "numeric";
    }

    int maxDecimalPrecision() {
        return 1000;
    }

    int maxFractionDigits() {
        return 6;
    }

    /** Where the type states no precision: the database's default (empty), or a stated one. */
    String unstatedFraction() {
        return "";
    }

    private String decimal(DataType.Decimal d) {
        if (d.precision().isEmpty()) {
            return unconstrainedDecimal();
        }
        int p = d.precision().getAsInt();
        if (p > maxDecimalPrecision()) {
            throw new IllegalArgumentException("the " + name() + " dialect's numeric has at most "
                    + maxDecimalPrecision() + " digits of precision");
        }
        return "numeric(" + p + "," + d.scale().orElse(0) + ")";
    }

    private String fraction(DataType.Temporal t) {
        if (t.fractionDigits().isEmpty()) {
            return unstatedFraction();
        }
        int digits = t.fractionDigits().getAsInt();
        if (digits > maxFractionDigits()) {
            throw new IllegalArgumentException("the " + name() + " dialect keeps at most " + maxFractionDigits()
                    + " fractional-second digits, the type has " + digits);
        }
        return "(" + digits + ")";
    }
}
