package dev.cdc.sink.jdbc.dialect;

import dev.cdc.format.ValueJson;
import dev.cdc.sink.jdbc.table.TargetColumn;

import java.math.BigDecimal;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;

/**
 * Values on their way into a target column: the conversions every dialect shares, and the check
 * that a value fits its column exactly (a database rounds a decimal with too many fraction
 * digits, or a timestamp with too many, without an error; the sink refuses instead). Stateless.
 */
public final class Values {

    private Values() {
    }

    /**
     * The value as a driver takes it through {@code setObject} in standard JDBC: an {@link Instant}
     * as an {@link OffsetDateTime} in UTC (or a {@link LocalDateTime} in UTC for a column without a
     * time zone), a list or map as its JSON text, a UUID as text unless the column is a uuid.
     */
    public static Object standard(Object value, TargetColumn column) {
        if (value instanceof Instant i) {
            return withoutZone(column) ? LocalDateTime.ofInstant(i, ZoneOffset.UTC) : i.atOffset(ZoneOffset.UTC);
        }
        if (value instanceof UUID u && !column.typeName().contains("uuid")) {
            return u.toString();
        }
        if (value instanceof Collection<?> || value instanceof Map<?, ?>) {
            return ValueJson.of(value);
        }
        return value;
    }

    /** Whether a timestamp column holds local date-times (so a {@code timestamp_tz} value is stored in UTC). */
    static boolean withoutZone(TargetColumn column) {
        String t = column.typeName();
        return column.jdbcType() != Types.TIMESTAMP_WITH_TIMEZONE && !t.contains("tz") && !t.contains("time zone")
                && (t.startsWith("datetime") || t.startsWith("timestamp"));
    }

    /**
     * Checks that the column holds the value exactly.
     *
     * @throws IllegalArgumentException with the reason when it would be rounded or cut
     */
    public static void checkFits(Object value, TargetColumn column) {
        if (value instanceof BigDecimal d && column.digits() >= 0 && isDecimal(column)
                && !column.typeName().contains("decfloat")) {
            BigDecimal plain = d.stripTrailingZeros();
            int scale = Math.max(plain.scale(), 0);
            if (scale > column.digits()) {
                throw new IllegalArgumentException("the value " + d.toPlainString() + " has " + scale
                        + " fraction digits but column " + describe(column) + " keeps " + column.digits()
                        + ", so the database would round it");
            }
            int integerDigits = plain.precision() - plain.scale();
            if (column.size() > 0 && integerDigits > column.size() - column.digits()) {
                throw new IllegalArgumentException("the value " + d.toPlainString() + " has " + integerDigits
                        + " integer digits but column " + describe(column) + " has room for "
                        + (column.size() - column.digits()));
            }
        }
        int nanos = nanos(value);
        if (nanos > 0 && column.digits() >= 0 && column.digits() < 9 && isTemporal(column)) {
            int unit = (int) Math.pow(10, 9 - column.digits());
            if (nanos % unit != 0) {
                throw new IllegalArgumentException("the value " + value + " has more fractional-second digits than"
                        + " column " + describe(column) + " keeps (" + column.digits() + "), so the database"
                        + " would cut it");
            }
        }
    }

    private static int nanos(Object value) {
        if (value instanceof Instant i) {
            return i.getNano();
        }
        if (value instanceof LocalDateTime t) {
            return t.getNano();
        }
        if (value instanceof LocalTime t) {
            return t.getNano();
        }
        if (value instanceof OffsetDateTime t) {
            return t.getNano();
        }
        return 0;
    }

    private static boolean isDecimal(TargetColumn c) {
        return c.jdbcType() == Types.DECIMAL || c.jdbcType() == Types.NUMERIC;
    }

    private static boolean isTemporal(TargetColumn c) {
        return c.jdbcType() == Types.TIMESTAMP || c.jdbcType() == Types.TIME || c.jdbcType() == Types.TIME_WITH_TIMEZONE
                || c.jdbcType() == Types.TIMESTAMP_WITH_TIMEZONE;
    }

    private static String describe(TargetColumn c) {
        return "'" + c.name() + "' " + c.typeName() + (c.size() > 0 && isDecimal(c) ? "(" + c.size() + "," + c.digits() + ")" : "");
    }
}
