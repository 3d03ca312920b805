package dev.cdc.sink.jdbc.table;

import java.util.Locale;
import java.util.Objects;

/**
 * A column as the target database describes it ({@code DatabaseMetaData.getColumns}).
 *
 * @param name     the column's name
 * @param typeName the database's type name, lower case ({@code int8}, {@code timestamptz}, {@code _int4},
 *                 {@code decimal}, {@code character varying})
 * @param jdbcType the {@link java.sql.Types} code
 * @param size     COLUMN_SIZE: precision of a number, length of a string, 0 when unknown
 * @param digits   DECIMAL_DIGITS: scale of a decimal, fractional-second digits of a time type, -1 when unknown
 * @param nullable whether it accepts NULL
 */
public record TargetColumn(String name, String typeName, int jdbcType, int size, int digits, boolean nullable) {

    public TargetColumn {
        Objects.requireNonNull(name, "name");
        typeName = typeName.toLowerCase(Locale.ROOT);
    }

    /** A column described by its type name alone (what the sink created, before it read the database back). */
    public static TargetColumn named(String name, String typeName) {
        return new TargetColumn(name, typeName, java.sql.Types.OTHER, 0, -1, true);
    }

    @Override
    public String toString() {
        return name + " " + typeName;
    }
}
