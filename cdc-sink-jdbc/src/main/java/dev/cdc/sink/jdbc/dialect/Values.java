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
     * Binds the values every driver takes the same way with its typed setters (faster than
     * {@code setObject}'s dispatch): text, whole and floating-point numbers, decimals, booleans, bytes.
     *
     * @return false when the value is of another class (the caller binds it)
     */
    public static boolean bindPlain(java.sql.PreparedStatement ps, int index, Object value) throws java.sql.SQLException {
        if (value instanceof String s) {
            ps.setString(index, s);
        } else if (value instanceof Long l) {
            ps.setLong(index, l);
        } else if (value instanceof Integer i) {
            ps.setInt(index, i);
        } else if (value instanceof BigDecimal d) {
            ps.setBigDecimal(index, d);
        } else if (value instanceof Boolean b) {
            ps.setBoolean(index, b);
        } else if (value instanceof Double d) {
            ps.setDouble(index, d);
        } else if (value instanceof Short s) {
            ps.setShort(index, s);
        } else if (value instanceof Float f) {
            ps.setFloat(index, f);
        } else if (value instanceof byte[] b) {
            ps.setBytes(index, b);
        } else {
            return false;
        }
        return true;
    }

    /**
     * Checks that the column holds the value exactly.
     *
     * @throws IllegalArgumentException with the reason when it would be rounded or cut
     */
    public static void checkFits(Object value, TargetColumn column) {
        if (value instanceof BigDecimal d && column.digits() >= 0 && isDecimal(column)
                && !column.typeName().contains("decfloat")) {
            int digits = column.digits();
            // the common value has the column's scale: no stripping (which costs more than the write) then
            int scale = d.scale() <= digits ? d.scale() : Math.max(d.stripTrailingZeros().scale(), 0);
            if (scale > digits) {
                throw new IllegalArgumentException("the value " + d.toPlainString() + " has " + scale
                        + " fraction digits but column " + describe(column) + " keeps " + digits
                        + ", so the database would round it");
            }
            int integerDigits = d.precision() - d.scale();
            if (column.size() > 0 && integerDigits > column.size() - digits && d.signum() != 0) {
                throw new IllegalArgumentException("the value " + d.toPlainString() + " has " + integerDigits
                        + " integer digits but column " + describe(column) + " has room for "
                        + (column.size() - digits));
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
