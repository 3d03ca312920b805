package dev.cdc.source.mysql.types;

import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.schema.DataType;
import dev.cdc.source.mysql.schema.ColumnInfo;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The one mapping of MySQL / MariaDB column types to logical types and values, used by both the
 * snapshot (JDBC text values) and the binlog (raw values of {@link dev.cdc.source.mysql.binlog.RawRowDeserializers}),
 * so a row reads the same either way. Documented in docs/cdc-source-mysql.md.
 */
public final class MySqlTypes {

    private static final Map<String, Charset> CHARSETS = Map.of(
            "utf8mb4", StandardCharsets.UTF_8, "utf8mb3", StandardCharsets.UTF_8, "utf8", StandardCharsets.UTF_8,
            "latin1", Charset.forName("windows-1252"), "ascii", StandardCharsets.US_ASCII,
            "ucs2", StandardCharsets.UTF_16BE, "utf16", StandardCharsets.UTF_16BE, "utf16le", StandardCharsets.UTF_16LE,
            "utf32", Charset.forName("UTF-32BE"));

    private MySqlTypes() {
    }

    public static DataType logicalType(ColumnInfo c, boolean tinyint1AsBoolean) {
        if (c.json()) {
            return DataType.json();
        }
        return switch (c.dataType()) {
            case "tinyint" -> tinyint1AsBoolean && c.isTinyint1() ? DataType.bool() : DataType.int16();
            case "smallint" -> c.unsigned() ? DataType.int32() : DataType.int16();
            case "mediumint" -> DataType.int32();
            case "int", "integer" -> c.unsigned() ? DataType.int64() : DataType.int32();
            case "bigint" -> c.unsigned() ? DataType.decimal(20, 0) : DataType.int64();
            case "decimal", "numeric" -> c.precision() >= 0 ? DataType.decimal(c.precision(), Math.max(0, c.scale()))
                    : DataType.decimal();
            case "float" -> DataType.float32();
            case "double", "real" -> DataType.float64();
            case "date" -> DataType.date();
            case "time" -> DataType.time(Math.max(0, c.scale()));
            case "datetime" -> DataType.timestamp(Math.max(0, c.scale()));
            case "timestamp" -> DataType.timestampTz(Math.max(0, c.scale()));
            case "year" -> DataType.int32();
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set" -> DataType.string();
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> DataType.bytes();
            case "json" -> DataType.json();
            case "bit" -> c.bitWidth() == 1 ? DataType.bool() : DataType.bytes();
            default -> DataType.bytes(); // geometry and other binary forms: the server's internal bytes
        };
    }

    /** A value decoded from the binlog (raw value as {@code RawRowDeserializers} gives it) to its logical form. */
    public static Object fromBinlog(ColumnInfo c, Object raw, boolean tinyint1AsBoolean) {
        return raw == null ? null : binlogConverter(c, tinyint1AsBoolean).apply(raw);
    }

    /**
     * {@link #fromBinlog} for one column with everything about the column worked out once (signedness,
     * labels, charset, width): the binlog reader makes one per column of a table map and applies it to
     * every non-null value.
     */
    public static UnaryOperator<Object> binlogConverter(ColumnInfo c, boolean tinyint1AsBoolean) {
        boolean unsigned = c.unsigned();
        switch (c.dataType()) {
            case "tinyint":
                if (tinyint1AsBoolean && c.isTinyint1()) {
                    return raw -> ((Number) raw).intValue() != 0;
                }
                return unsigned ? raw -> (short) (((Number) raw).intValue() & 0xFF)
                        : raw -> (short) (byte) ((Number) raw).intValue();
            case "smallint":
                return unsigned ? raw -> ((Number) raw).intValue() & 0xFFFF : raw -> (short) ((Number) raw).intValue();
            case "mediumint":
                return unsigned ? raw -> ((Number) raw).intValue() & 0xFFFFFF
                        : raw -> (((Number) raw).intValue() << 8) >> 8;
            case "int", "integer":
                // a raw value already of the logical type is kept, not unboxed and boxed again
                return unsigned ? raw -> ((Number) raw).intValue() & 0xFFFFFFFFL
                        : raw -> raw instanceof Integer ? raw : ((Number) raw).intValue();
            case "bigint":
                return unsigned ? raw -> unsignedLong(((Number) raw).longValue())
                        : raw -> raw instanceof Long ? raw : ((Number) raw).longValue();
            case "decimal", "numeric": {
                int scale = c.scale();
                return scale >= 0 ? raw -> ((BigDecimal) raw).setScale(scale) : raw -> raw;
            }
            case "float":
                return raw -> raw instanceof Float ? raw : ((Number) raw).floatValue();
            case "double", "real":
                return raw -> raw instanceof Double ? raw : ((Number) raw).doubleValue();
            case "time": {
                int fsp = Math.max(0, c.scale());
                return raw -> time((Duration) raw, fsp);
            }
            case "year":
                return raw -> ((Number) raw).intValue();
            case "date", "datetime", "timestamp":
                return raw -> raw;
            case "enum": {
                List<String> labels = c.labels();
                return raw -> {
                    int index = ((Number) raw).intValue();
                    return index >= 1 && index <= labels.size() ? labels.get(index - 1) : "";
                };
            }
            case "set": {
                List<String> labels = c.labels();
                return raw -> {
                    long bits = ((Number) raw).longValue();
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < labels.size(); i++) {
                        if ((bits & (1L << i)) != 0) {
                            sb.append(sb.isEmpty() ? "" : ",").append(labels.get(i));
                        }
                    }
                    return sb.toString();
                };
            }
            case "bit": {
                if (c.bitWidth() == 1) {
                    return raw -> {
                        byte[] b = (byte[]) raw;
                        return b.length > 0 && b[b.length - 1] != 0;
                    };
                }
                return raw -> raw;
            }
            case "json": {
                Charset cs = charset(c);
                return raw -> {
                    if (raw instanceof JsonBinaryValue j) {
                        try {
                            return JsonBinary.parseAsString(j.bytes());
                        } catch (IOException e) {
                            throw new CdcException("could not decode the JSON value of column " + c.name() + ": " + e, e);
                        }
                    }
                    return new String((byte[]) raw, cs);
                };
            }
            case "binary": {
                // the binlog drops the trailing 0x00 padding of BINARY(n); the column value has n bytes
                int n = c.bitWidth();
                return raw -> {
                    byte[] b = (byte[]) raw;
                    return b.length < n ? java.util.Arrays.copyOf(b, n) : b;
                };
            }
            default: {
                if (isText(c)) {
                    Charset cs = charset(c);
                    return raw -> raw instanceof byte[] bytes ? new String(bytes, cs) : raw;
                }
                return raw -> raw;
            }
        }
    }

    /** An unsigned BIGINT as a BigDecimal (exact above Long.MAX_VALUE). */
    private static BigDecimal unsignedLong(long v) {
        return v >= 0 ? BigDecimal.valueOf(v) : new BigDecimal(Long.toUnsignedString(v));
    }

    /** A value read by the snapshot's SELECT (text protocol, session time zone +00:00) to its logical form. */
    public static Object fromJdbc(ColumnInfo c, ResultSet rs, int index, boolean tinyint1AsBoolean) throws SQLException {
        String dt = c.dataType();
        if (!isText(c) && (dt.endsWith("binary") || dt.endsWith("blob") || dt.equals("bit") || dt.equals("geometry")
                || logicalType(c, tinyint1AsBoolean).kind() == dev.cdc.api.schema.TypeKind.BYTES)) {
            byte[] b = rs.getBytes(index);
            if (b == null) {
                return null;
            }
            return dt.equals("bit") && c.bitWidth() == 1 ? (Object) (b.length > 0 && b[b.length - 1] != 0) : b;
        }
        String s = rs.getString(index);
        return s == null ? null : fromText(c, s, tinyint1AsBoolean);
    }

    /**
     * A non-binary column's value as the server prints it (what the snapshot's SELECT reads, and the
     * form a key is kept in as text) to its logical form.
     */
    public static Object fromText(ColumnInfo c, String s, boolean tinyint1AsBoolean) {
        String dt = c.dataType();
        switch (dt) {
            case "tinyint":
                if (tinyint1AsBoolean && c.isTinyint1()) {
                    return Integer.parseInt(s) != 0;
                }
                return Short.parseShort(s);
            case "smallint":
                return c.unsigned() ? (Object) Integer.parseInt(s) : (Object) Short.parseShort(s);
            case "mediumint":
                return Integer.parseInt(s);
            case "int", "integer":
                return c.unsigned() ? (Object) Long.parseLong(s) : (Object) Integer.parseInt(s);
            case "bigint":
                return c.unsigned() ? new BigDecimal(s) : (Object) Long.parseLong(s);
            case "decimal", "numeric": {
                BigDecimal d = new BigDecimal(s);
                return c.scale() >= 0 ? d.setScale(c.scale()) : d;
            }
            case "float":
                return (float) Double.parseDouble(s); // selected as a double: the text of a float has 6 digits only
            case "double", "real":
                return Double.parseDouble(s);
            case "year":
                return Integer.parseInt(s);
            case "date":
                return hasZeroPart(s) ? s : LocalDate.parse(s);
            case "time":
                return time(parseTime(s), Math.max(0, c.scale()));
            case "datetime":
                return hasZeroPart(s) ? s : parseDateTime(s);
            case "timestamp":
                return hasZeroPart(s) ? s : parseDateTime(s).toInstant(ZoneOffset.UTC);
            default:
                return s;
        }
    }

    /**
     * What the snapshot selects for a column: the column itself, except FLOAT as a DOUBLE (the
     * server prints a float with 6 significant digits, losing bits; the double form is exact) and
     * DATE, DATETIME and TIMESTAMP as text: the server's text is exact, and the JDBC driver's own
     * reading of a date with a zero month or day fails.
     */
    public static String selectExpression(ColumnInfo c, String quotedName) {
        return switch (c.dataType()) {
            case "float" -> "CAST(" + quotedName + " AS DOUBLE)";
            case "date", "datetime", "timestamp" -> "CAST(" + quotedName + " AS CHAR)";
            default -> quotedName;
        };
    }

    /** Whether a DATE / DATETIME / TIMESTAMP text ({@code 2024-02-00 10:00:00}) has a zero month or day. */
    static boolean hasZeroPart(String s) {
        return s.startsWith("00", 5) || s.startsWith("00", 8);
    }

    /**
     * A date or time with a zero month or day as the server prints it: {@code 2024-02-00}
     * ({@code hour} -1: a DATE), {@code 0000-00-00 00:00:00.000000} (a DATETIME / TIMESTAMP with
     * {@code fsp} fraction digits). What the snapshot reads as text, so both agree.
     */
    public static String zeroDateText(int year, int month, int day, int hour, int minute, int second, int micros,
                                      int fsp) {
        String date = String.format(Locale.ROOT, "%04d-%02d-%02d", year, month, day);
        if (hour < 0) {
            return date;
        }
        String text = date + String.format(Locale.ROOT, " %02d:%02d:%02d", hour, minute, second);
        return fsp > 0 ? text + "." + String.format(Locale.ROOT, "%06d", micros).substring(0, fsp) : text;
    }

    /** TIME is a signed duration of up to 838:59:59; inside one day it is a LocalTime, outside it its text. */
    public static Object time(Duration d, int fsp) {
        if (!d.isNegative() && d.compareTo(Duration.ofDays(1)) < 0) {
            return LocalTime.ofNanoOfDay(d.toNanos());
        }
        Duration abs = d.abs();
        String text = String.format(Locale.ROOT, "%s%d:%02d:%02d", d.isNegative() ? "-" : "", abs.toHours(),
                abs.toMinutesPart(), abs.toSecondsPart());
        if (fsp > 0) {
            text += "." + String.format(Locale.ROOT, "%06d", abs.toNanosPart() / 1000).substring(0, fsp);
        }
        return text;
    }

    static Duration parseTime(String s) {
        boolean negative = s.startsWith("-");
        String t = negative ? s.substring(1) : s;
        String[] parts = t.split(":");
        String[] sec = parts[2].split("\\.");
        long micros = 0;
        if (sec.length > 1) {
            String f = (sec[1] + "000000").substring(0, 6);
            micros = Long.parseLong(f);
        }
        Duration d = Duration.ofHours(Long.parseLong(parts[0])).plusMinutes(Long.parseLong(parts[1]))
                .plusSeconds(Long.parseLong(sec[0])).plusNanos(micros * 1000);
        return negative ? d.negated() : d;
    }

    static LocalDateTime parseDateTime(String s) {
        return LocalDateTime.parse(s.replace(' ', 'T'));
    }

    /** Whether a column's bytes are characters (then decoded with its charset). */
    public static boolean isText(ColumnInfo c) {
        if (c.json()) {
            return true;
        }
        return switch (c.dataType()) {
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set", "json" ->
                    c.charset().map(cs -> !cs.equalsIgnoreCase("binary")).orElse(true);
            default -> false;
        };
    }

    private static Charset charset(ColumnInfo c) {
        Charset cs = c.charset().map(n -> CHARSETS.getOrDefault(n.toLowerCase(Locale.ROOT), null))
                .orElse(StandardCharsets.UTF_8);
        if (cs == null) {
            try {
                cs = Charset.forName(c.charset().get());
            } catch (RuntimeException e) {
                cs = StandardCharsets.UTF_8;
            }
        }
        return cs;
    }

    /** The bytes of a MySQL binary JSON value (MariaDB's JSON is text and never arrives as this). */
    public record JsonBinaryValue(byte[] bytes) implements java.io.Serializable {
    }
}
