package dev.cdc.source.jdbc.catalog;

import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TypeKind;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * Logical types from JDBC metadata, and values in them: read from a result set, or parsed from
 * the text a trigger wrote into the change log. Values are exact: decimals are {@code BigDecimal}
 * from their digits, timestamps keep their fraction, bytes their bytes.
 */
public final class JdbcTypes {

    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd().append(DateTimeFormatter.ISO_LOCAL_TIME).toFormatter();
    private static final DateTimeFormatter OFFSET = new DateTimeFormatterBuilder().append(LOCAL)
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH:mm", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .parseDefaulting(ChronoField.OFFSET_SECONDS, 0).toFormatter();

    private JdbcTypes() {
    }

    /** The logical type of a column from its {@link Types} code, type name, size and scale. */
    public static DataType logical(int jdbcType, String typeName, int size, int scale) {
        String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        if (name.equals("uuid")) {
            return DataType.uuid();
        }
        if (name.equals("json") || name.equals("jsonb")) {
            return DataType.json();
        }
        if (name.equals("timestamptz") || name.contains("with time zone")) {
            return DataType.timestampTz();
        }
        if (name.equals("bool") || name.equals("boolean")) {
            return DataType.bool();
        }
        return switch (jdbcType) {
            case Types.BIT, Types.BOOLEAN -> size > 1 ? DataType.bytes() : DataType.bool();
            case Types.TINYINT, Types.SMALLINT -> DataType.int16();
            case Types.INTEGER -> name.contains("unsigned") ? DataType.int64() : DataType.int32();
            case Types.BIGINT -> name.contains("unsigned") ? DataType.decimal(20, 0) : DataType.int64();
            case Types.REAL -> DataType.float32();
            case Types.FLOAT, Types.DOUBLE -> DataType.float64();
            case Types.NUMERIC, Types.DECIMAL -> size > 0 && size < 1000 ? DataType.decimal(size, Math.max(0, scale))
                    : DataType.decimal();
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                 Types.CLOB, Types.NCLOB -> DataType.string();
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> DataType.bytes();
            case Types.DATE -> DataType.date();
            case Types.TIME -> DataType.time();
            case Types.TIME_WITH_TIMEZONE -> DataType.other(typeName);
            case Types.TIMESTAMP -> DataType.timestamp();
            case Types.TIMESTAMP_WITH_TIMEZONE -> DataType.timestampTz();
            default -> DataType.other(typeName == null ? "unknown" : typeName);
        };
    }

    /** The value of column {@code index} of the current row, in the logical type. */
    public static Object read(ResultSet rs, int index, DataType type) throws SQLException {
        Object v = switch (type.kind()) {
            case BOOLEAN -> rs.getBoolean(index);
            case INT16 -> rs.getShort(index);
            case INT32 -> rs.getInt(index);
            case INT64 -> rs.getLong(index);
            case FLOAT32 -> rs.getFloat(index);
            case FLOAT64 -> rs.getDouble(index);
            case DECIMAL -> rs.getBigDecimal(index);
            case BYTES -> rs.getBytes(index);
            case DATE -> rs.getObject(index, LocalDate.class);
            case TIME -> rs.getObject(index, LocalTime.class);
            case TIMESTAMP -> rs.getObject(index, LocalDateTime.class);
            case TIMESTAMP_TZ -> {
                OffsetDateTime t = rs.getObject(index, OffsetDateTime.class);
                yield t == null ? null : t.toInstant();
            }
            case UUID -> {
                String s = rs.getString(index);
                yield s == null ? null : UUID.fromString(s);
            }
            default -> rs.getString(index);
        };
        return rs.wasNull() ? null : v;
    }

    /**
     * A value from the text a trigger wrote (a JSON scalar's text, or the raw JSON of a nested
     * value for {@code json} columns); null stays null.
     */
    public static Object parse(String text, DataType type) {
        if (text == null) {
            return null;
        }
        return switch (type.kind()) {
            case BOOLEAN -> text.equalsIgnoreCase("true") || text.equals("1") || text.equalsIgnoreCase("t");
            case INT16 -> (short) integer(text, Short.MIN_VALUE, Short.MAX_VALUE);
            case INT32 -> (int) integer(text, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case INT64 -> integer(text, Long.MIN_VALUE, Long.MAX_VALUE);
            case FLOAT32 -> Float.valueOf(text);
            case FLOAT64 -> Double.valueOf(text);
            case DECIMAL -> new BigDecimal(text);
            case BYTES -> HexFormat.of().parseHex(text.startsWith("\\x") ? text.substring(2) : text);
            case DATE -> LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text);
            case TIME -> LocalTime.parse(text);
            case TIMESTAMP -> timestamp(text);
            case TIMESTAMP_TZ -> timestampTz(text);
            case UUID -> UUID.fromString(text);
            default -> text;
        };
    }

    private static LocalDateTime timestamp(String text) {
        int end = localEnd(text);
        return end == text.length() ? local(text, end) : LocalDateTime.parse(text, LOCAL);
    }

    private static Instant timestampTz(String text) {
        int end = localEnd(text);
        if (end > 0 && end < text.length()) {
            ZoneOffset offset = offset(text, end);
            if (offset != null) {
                return local(text, end).toInstant(offset);
            }
        }
        return OffsetDateTime.parse(text, OFFSET).toInstant();
    }

    /**
     * Where {@code yyyy-MM-dd[T ]HH:mm:ss[.f...]} (the triggers' and ISO's form, at most nine
     * fraction digits) ends in the text; -1 when it does not start so (the general parser takes it).
     */
    private static int localEnd(String s) {
        int n = s.length();
        if (n < 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' && s.charAt(10) != ' '
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return -1;
        }
        int i = 19;
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && i < 29 && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (i == 20 || i < n && Character.isDigit(s.charAt(i))) {
                return -1;
            }
        }
        return i;
    }

    private static LocalDateTime local(String s, int end) {
        int nano = 0;
        for (int i = 20; i < 29; i++) {
            nano = nano * 10 + (i < end ? digits(s, i, 1) : 0);
        }
        return LocalDateTime.of(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2), digits(s, 11, 2), digits(s, 14, 2),
                digits(s, 17, 2), nano);
    }

    /** {@code Z}, {@code +HH}, {@code +HH:MM} or {@code +HH:MM:SS} from {@code at} to the end; null otherwise. */
    private static ZoneOffset offset(String s, int at) {
        int n = s.length() - at;
        if (n == 1 && s.charAt(at) == 'Z') {
            return ZoneOffset.UTC;
        }
        char sign = s.charAt(at);
        if (sign != '+' && sign != '-' || n != 3 && n != 6 && n != 9 || n > 3 && s.charAt(at + 3) != ':'
                || n > 6 && s.charAt(at + 6) != ':') {
            return null;
        }
        int m = sign == '-' ? -1 : 1;
        return ZoneOffset.ofHoursMinutesSeconds(m * digits(s, at + 1, 2), n > 3 ? m * digits(s, at + 4, 2) : 0,
                n > 6 ? m * digits(s, at + 7, 2) : 0);
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new DateTimeException("'" + s + "' has '" + c + "' where a digit belongs");
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** An integer from its text ("42", or "42.0" as some JSON writers put it), checked against the range. */
    private static long integer(String text, long min, long max) {
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            v = new BigDecimal(text).longValueExact();
        }
        if (v < min || v > max) {
            throw new ArithmeticException(text + " is out of range");
        }
        return v;
    }

    /** Whether values of this type are written to the change log as hexadecimal text. */
    public static boolean isBinary(DataType type) {
        return type.kind() == TypeKind.BYTES;
    }

    /**
     * A timestamp as the SQL standard's literal text, {@code yyyy-MM-dd HH:mm:ss[.fraction]} (the
     * fraction without trailing zeros), which PostgreSQL, MariaDB and H2 read back exactly; null for
     * a year outside 1 to 9999 (the caller asks the driver instead).
     */
    public static String timestampText(LocalDateTime t) {
        int year = t.getYear();
        if (year < 1 || year > 9999) {
            return null;
        }
        int nano = t.getNano();
        int fraction = 9;
        while (fraction > 0 && nano % 10 == 0) {
            nano /= 10;
            fraction--;
        }
        byte[] c = new byte[fraction == 0 ? 19 : 20 + fraction]; // Latin-1: no char[] to compress into a string
        put(c, 0, year, 4);
        c[4] = '-';
        put(c, 5, t.getMonthValue(), 2);
        c[7] = '-';
        put(c, 8, t.getDayOfMonth(), 2);
        c[10] = ' ';
        put(c, 11, t.getHour(), 2);
        c[13] = ':';
        put(c, 14, t.getMinute(), 2);
        c[16] = ':';
        put(c, 17, t.getSecond(), 2);
        if (fraction > 0) {
            c[19] = '.';
            put(c, 20, nano, fraction);
        }
        return new String(c, StandardCharsets.ISO_8859_1);
    }

    private static void put(byte[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    /** Microseconds since the epoch of a timestamp value (a {@code LocalDateTime} is taken as UTC). */
    public static long epochMicros(Object value) {
        Instant i = value instanceof Instant in ? in
                : value instanceof LocalDateTime l ? l.toInstant(java.time.ZoneOffset.UTC)
                : value instanceof OffsetDateTime o ? o.toInstant()
                : value instanceof java.sql.Timestamp t ? t.toInstant() : null;
        if (i == null) {
            throw new IllegalArgumentException("not a timestamp: " + value);
        }
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
    }
}
