package dev.cdc.format.debezium;

import dev.cdc.api.schema.DataType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Debezium's JSON values read back by their Kafka Connect schema ({@code JsonConverter} with
 * {@code schemas.enable=true}): the inverse of {@link FieldCodec} for the types it writes. Dates as
 * days, times and timestamps as milli-, micro- or nanoseconds by the schema's name, decimals as the
 * Base64 of the unscaled value with the schema's scale, and so on; a value whose schema says nothing
 * more keeps JSON's kind. Stateless and thread-safe.
 */
final class ConnectValues {

    private ConnectValues() {
    }

    /** The logical type a Connect schema stands for. */
    static DataType typeOf(Map<?, ?> schema) {
        String name = schema.get("name") instanceof String s ? s : "";
        String type = String.valueOf(schema.get("type"));
        switch (name) {
            case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date" -> {
                return DataType.date();
            }
            case "io.debezium.time.Time", "org.apache.kafka.connect.data.Time" -> {
                return DataType.time(3);
            }
            case "io.debezium.time.MicroTime" -> {
                return DataType.time(6);
            }
            case "io.debezium.time.NanoTime" -> {
                return DataType.time(9);
            }
            case "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp" -> {
                return DataType.timestamp(3);
            }
            case "io.debezium.time.MicroTimestamp" -> {
                return DataType.timestamp(6);
            }
            case "io.debezium.time.NanoTimestamp" -> {
                return DataType.timestamp(9);
            }
            case "io.debezium.time.ZonedTimestamp" -> {
                return DataType.timestampTz();
            }
            case "org.apache.kafka.connect.data.Decimal" -> {
                Map<?, ?> p = schema.get("parameters") instanceof Map<?, ?> m ? m : Map.of();
                int scale = Integer.parseInt(String.valueOf(p.get("scale")));
                return p.get("connect.decimal.precision") instanceof String precision
                        ? DataType.decimal(Integer.parseInt(precision), scale) : DataType.decimal();
            }
            case "io.debezium.data.VariableScaleDecimal" -> {
                return DataType.decimal();
            }
            case "io.debezium.data.Uuid" -> {
                return DataType.uuid();
            }
            case "io.debezium.data.Json" -> {
                return DataType.json();
            }
            default -> {
            }
        }
        return switch (type) {
            case "int8", "int16" -> DataType.int16();
            case "int32" -> DataType.int32();
            case "int64" -> DataType.int64();
            case "float", "float32" -> DataType.float32();
            case "double", "float64" -> DataType.float64();
            case "boolean" -> DataType.bool();
            case "string" -> DataType.string();
            case "bytes" -> DataType.bytes();
            case "array" -> DataType.arrayOf(schema.get("items") instanceof Map<?, ?> items ? typeOf(items)
                    : DataType.string());
            default -> DataType.other(name.isEmpty() ? type : name);
        };
    }

    /** The Java value of a JSON value with its Connect schema ({@code null}: no schema, JSON's kinds kept). */
    static Object decode(Object json, Map<?, ?> schema) {
        if (json == null || schema == null) {
            return json;
        }
        String name = schema.get("name") instanceof String s ? s : "";
        try {
            switch (name) {
                case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date" -> {
                    return LocalDate.ofEpochDay(((Number) json).longValue());
                }
                case "io.debezium.time.Time", "org.apache.kafka.connect.data.Time" -> {
                    return LocalTime.ofNanoOfDay(((Number) json).longValue() * 1_000_000L);
                }
                case "io.debezium.time.MicroTime" -> {
                    return LocalTime.ofNanoOfDay(((Number) json).longValue() * 1_000L);
                }
                case "io.debezium.time.NanoTime" -> {
                    return LocalTime.ofNanoOfDay(((Number) json).longValue());
                }
                case "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp" -> {
                    return timestamp(((Number) json).longValue(), 1_000, 1_000_000);
                }
                case "io.debezium.time.MicroTimestamp" -> {
                    return timestamp(((Number) json).longValue(), 1_000_000, 1_000);
                }
                case "io.debezium.time.NanoTimestamp" -> {
                    return timestamp(((Number) json).longValue(), 1_000_000_000, 1);
                }
                case "io.debezium.time.ZonedTimestamp" -> {
                    String s = (String) json;
                    return s.endsWith("Z") ? Instant.parse(s) : OffsetDateTime.parse(s);
                }
                case "io.debezium.time.ZonedTime" -> {
                    return OffsetTime.parse((String) json);
                }
                case "org.apache.kafka.connect.data.Decimal" -> {
                    if (!(json instanceof String s)) {
                        return json;
                    }
                    Map<?, ?> p = (Map<?, ?>) schema.get("parameters");
                    return new BigDecimal(new BigInteger(Base64.getDecoder().decode(s)),
                            Integer.parseInt(String.valueOf(p.get("scale"))));
                }
                case "io.debezium.data.VariableScaleDecimal" -> {
                    Map<?, ?> v = (Map<?, ?>) json;
                    return new BigDecimal(new BigInteger(Base64.getDecoder().decode((String) v.get("value"))),
                            ((Number) v.get("scale")).intValue());
                }
                case "io.debezium.data.Uuid" -> {
                    return UUID.fromString((String) json);
                }
                default -> {
                }
            }
        } catch (ClassCastException | ArithmeticException | IllegalArgumentException
                 | java.time.DateTimeException e) {
            return json; // a value outside the type (a MySQL TIME beyond a day): kept as Debezium wrote it
        }
        return switch (String.valueOf(schema.get("type"))) {
            case "int8", "int16" -> json instanceof Number n ? (Object) n.shortValue() : json;
            case "int32" -> json instanceof Number n ? (Object) n.intValue() : json;
            case "int64" -> json instanceof Number n ? (Object) n.longValue() : json;
            case "float", "float32" -> json instanceof Number n ? (Object) Float.parseFloat(n.toString()) : json;
            case "double", "float64" -> json instanceof Number n ? (Object) Double.parseDouble(n.toString()) : json;
            case "bytes" -> json instanceof String s ? Base64.getDecoder().decode(s) : json;
            case "array" -> array(json, (Map<?, ?>) schema.get("items"));
            case "struct" -> struct(json, schema);
            default -> json;
        };
    }

    private static Object timestamp(long value, long perSecond, long nanosPerUnit) {
        long seconds = Math.floorDiv(value, perSecond);
        long nanos = Math.floorMod(value, perSecond) * nanosPerUnit;
        return LocalDateTime.ofEpochSecond(seconds, (int) nanos, ZoneOffset.UTC);
    }

    private static Object array(Object json, Map<?, ?> items) {
        if (!(json instanceof List<?> list)) {
            return json;
        }
        List<Object> out = new ArrayList<>(list.size());
        for (Object o : list) {
            out.add(decode(o, items));
        }
        return out;
    }

    /** A struct's fields decoded by their schemas, in the struct's order. */
    static Map<String, Object> struct(Object json, Map<?, ?> schema) {
        Map<?, ?> values = (Map<?, ?>) json;
        Map<String, Map<?, ?>> fields = fields(schema);
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : values.entrySet()) {
            String field = (String) e.getKey();
            out.put(field, decode(e.getValue(), fields.get(field)));
        }
        return out;
    }

    /** The fields of a struct schema by name (empty for no schema). */
    static Map<String, Map<?, ?>> fields(Map<?, ?> schema) {
        Map<String, Map<?, ?>> out = new LinkedHashMap<>();
        if (schema != null && schema.get("fields") instanceof List<?> fields) {
            for (Object f : fields) {
                Map<?, ?> field = (Map<?, ?>) f;
                out.put((String) field.get("field"), field);
            }
        }
        return out;
    }
}
