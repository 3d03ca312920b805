package dev.cdc.source.postgres.types;

import dev.cdc.api.schema.DataType;

import java.math.BigDecimal;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Function;

/**
 * Turns PostgreSQL's text form of a value (what pgoutput sends, and what a snapshot reads with
 * {@code getString}) into the Java value of its logical type. One decoder per column; stateless
 * and thread-safe.
 */
public final class ValueDecoder {

    private final DataType type;
    private final Function<String, Object> parse;

    private ValueDecoder(DataType type, Function<String, Object> parse) {
        this.type = type;
        this.parse = parse;
    }

    /** The logical type of the values. */
    public DataType type() {
        return type;
    }

    /** The value of the text; {@code null} stays {@code null} (SQL NULL). */
    public Object decode(String text) {
        return text == null ? null : parse.apply(text);
    }

    /** The text as it is, typed {@code other(name)}. */
    public static ValueDecoder other(String typeName) {
        return new ValueDecoder(DataType.other(typeName), s -> s);
    }

    /** The text as it is, typed {@code string}. */
    static ValueDecoder text(String ignoredTypeName) {
        return new ValueDecoder(DataType.string(), s -> s);
    }

    /** An array of {@code element}: a {@code List} (nested lists for more dimensions). */
    public static ValueDecoder array(ValueDecoder element) {
        return new ValueDecoder(DataType.arrayOf(element.type), s -> ArrayLiteral.parse(s, element::decode));
    }

    /** The decoder of a base type by its {@code typname}, with its type modifier (-1 when none). */
    public static ValueDecoder forBaseType(String typname, int typmod) {
        return forBaseType(typname, typmod, MoneyText.DEFAULT_FRACTION_DIGITS);
    }

    /**
     * The decoder of a base type by its {@code typname}, with its type modifier (-1 when none);
     * {@code money} values have {@code moneyFractionDigits} digits after the point (the server's
     * {@code lc_monetary}).
     */
    public static ValueDecoder forBaseType(String typname, int typmod, int moneyFractionDigits) {
        switch (typname) {
            case "bool":
                return new ValueDecoder(DataType.bool(), s -> s.equals("t") || s.equals("true"));
            case "int2":
                return new ValueDecoder(DataType.int16(), Short::valueOf);
            case "int4":
                return new ValueDecoder(DataType.int32(), Integer::valueOf);
            case "int8":
                return new ValueDecoder(DataType.int64(), Long::valueOf);
            case "oid", "xid", "cid":
                return new ValueDecoder(DataType.int64(), Long::valueOf);
            case "float4":
                return new ValueDecoder(DataType.float32(), Float::valueOf);
            case "float8":
                return new ValueDecoder(DataType.float64(), Double::valueOf);
            case "numeric":
                return new ValueDecoder(numericType(typmod), ValueDecoder::numeric);
            case "money":
                return new ValueDecoder(DataType.decimal(MoneyText.PRECISION, moneyFractionDigits),
                        s -> MoneyText.parse(s, moneyFractionDigits));
            case "text", "varchar", "bpchar", "name", "char", "citext":
                return new ValueDecoder(DataType.string(), s -> s);
            case "bytea":
                return new ValueDecoder(DataType.bytes(), ValueDecoder::bytea);
            case "date":
                return new ValueDecoder(DataType.date(), TemporalText::date);
            case "time":
                return new ValueDecoder(fraction(DataType.time(), typmod), TemporalText::time);
            case "timestamp":
                return new ValueDecoder(fraction(DataType.timestamp(), typmod), TemporalText::timestamp);
            case "timestamptz":
                return new ValueDecoder(fraction(DataType.timestampTz(), typmod), TemporalText::timestampTz);
            case "uuid":
                return new ValueDecoder(DataType.uuid(), UUID::fromString);
            case "json", "jsonb":
                return new ValueDecoder(DataType.json(), s -> s);
            default:
                // timetz, interval, inet, point, ranges, xml, bit, tsvector, ...: their text.
                return other(typname);
        }
    }

    private static DataType numericType(int typmod) {
        if (typmod < 4) {
            return DataType.decimal();
        }
        int precision = ((typmod - 4) >> 16) & 0xffff;
        int scale = (typmod - 4) & 0xffff;
        // PostgreSQL 15 allows a negative scale (stored as 11-bit two's complement).
        if (scale > 1000) {
            scale = scale - 2048;
        }
        return DataType.decimal(precision, scale);
    }

    private static DataType fraction(DataType t, int typmod) {
        if (typmod < 0) {
            return t;
        }
        return switch (t.kind()) {
            case TIME -> DataType.time(typmod);
            case TIMESTAMP -> DataType.timestamp(typmod);
            default -> DataType.timestampTz(typmod);
        };
    }

    /** {@code NaN}, {@code Infinity} and {@code -Infinity} stay strings (DataType's decimal contract). */
    static Object numeric(String s) {
        return switch (s) {
            case "NaN", "Infinity", "-Infinity" -> s;
            default -> new BigDecimal(s);
        };
    }

    /** The hex form {@code \x0a0b}; the old escape form is read too. */
    static byte[] bytea(String s) {
        if (s.startsWith("\\x")) {
            return HexFormat.of().parseHex(s, 2, s.length());
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (s.charAt(i + 1) == '\\') {
                    out.write('\\');
                    i++;
                } else {
                    out.write(Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                }
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }
}
