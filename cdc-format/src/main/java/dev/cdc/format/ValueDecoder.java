package dev.cdc.format;

import dev.cdc.api.schema.DataType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The inverse of {@link JsonValues}' value table: a JSON value (as {@link JsonTree} reads it) and
 * the column's logical type give back the Java value the source had. A text that does not parse as
 * its type's ISO form is one of the "values no Java type holds" ({@code infinity},
 * {@code 24:00:00}, a MySQL duration, a decimal {@code NaN}) and stays the {@code String} it was.
 * Without a type ({@code null}), JSON's own kinds are kept: integers as {@code Long}, other
 * numbers as {@code BigDecimal}, strings as {@code String}. Stateless and thread-safe.
 */
final class ValueDecoder {

    private ValueDecoder() {
    }

    static Object decode(Object json, DataType type) {
        if (json == null || type == null) {
            return json;
        }
        return switch (type.kind()) {
            case BOOLEAN -> json instanceof String s ? Boolean.valueOf(s) : json;
            case INT16 -> json instanceof Number n ? (Object) n.shortValue() : json;
            case INT32 -> json instanceof Number n ? (Object) n.intValue() : json;
            case INT64 -> json instanceof Long ? json : json instanceof Number n ? (Object) n.longValue() : json;
            case FLOAT32 -> json instanceof String s ? nonFinite(s, true) : json instanceof Number n
                    ? (Object) Float.parseFloat(n.toString()) : json;
            case FLOAT64 -> json instanceof String s ? nonFinite(s, false) : json instanceof Number n
                    ? (Object) Double.parseDouble(n.toString()) : json;
            case DECIMAL -> decimal(json);
            case BYTES -> json instanceof String s ? Base64.getDecoder().decode(s) : json;
            case DATE -> parsed(json, IsoTimes::date);
            case TIME -> parsed(json, ValueDecoder::time);
            case TIMESTAMP -> parsed(json, IsoTimes::dateTime);
            case TIMESTAMP_TZ -> parsed(json, ValueDecoder::zoned);
            case UUID -> parsed(json, UUID::fromString);
            case ARRAY -> json instanceof List<?> list ? array(list, ((DataType.Array) type).element()) : json;
            case STRING, JSON, OTHER -> json;
        };
    }

    private static Object decimal(Object json) {
        if (json instanceof String s) {
            try {
                return new BigDecimal(s);
            } catch (NumberFormatException e) {
                return s; // NaN, infinity: the database's own text
            }
        }
        if (json instanceof Long l) {
            return BigDecimal.valueOf(l);
        }
        if (json instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        return json;
    }

    private static Object nonFinite(String s, boolean single) {
        double d = switch (s) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> 0;
        };
        if (d == 0) {
            return s;
        }
        return single ? (Object) (float) d : (Object) d;
    }

    private static Object time(String s) {
        int sign = Math.max(s.lastIndexOf('+'), s.lastIndexOf('-'));
        return s.endsWith("Z") || sign > 0 ? OffsetTime.parse(s) : IsoTimes.time(s);
    }

    private static Object zoned(String s) {
        return s.endsWith("Z") ? IsoTimes.instant(s) : OffsetDateTime.parse(s);
    }

    private static Object parsed(Object json, java.util.function.Function<String, Object> parser) {
        if (!(json instanceof String s)) {
            return json;
        }
        try {
            return parser.apply(s);
        } catch (DateTimeException | IllegalArgumentException e) {
            return s;
        }
    }

    private static List<Object> array(List<?> items, DataType element) {
        List<Object> out = new ArrayList<>(items.size());
        for (Object item : items) {
            out.add(decode(item, element));
        }
        return out;
    }
}
