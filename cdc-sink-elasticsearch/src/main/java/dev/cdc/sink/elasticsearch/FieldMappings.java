package dev.cdc.sink.elasticsearch;

import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.sink.elasticsearch.ElasticsearchOptions.DecimalMapping;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The Elasticsearch field mapping of a column: from its logical type when the stream announced
 * the table's schema, else from the Java value of its first non-null occurrence. A per-column
 * override ({@code column-types}) wins over both. Thread-safe; immutable.
 */
final class FieldMappings {

    static final String DATE_FORMAT = "strict_date_optional_time_nanos||strict_date_optional_time||epoch_millis";

    private final DecimalMapping decimalMapping;
    private final Map<String, String> overrides;

    FieldMappings(DecimalMapping decimalMapping, Map<String, String> overrides) {
        this.decimalMapping = decimalMapping;
        Map<String, String> lower = new LinkedHashMap<>();
        overrides.forEach((k, v) -> lower.put(k, v.trim().toLowerCase(Locale.ROOT)));
        this.overrides = Map.copyOf(lower);
    }

    /** The override for a column, by {@code namespace.table.column} first, then {@code column}. */
    Optional<String> override(TableId table, String column) {
        String qualified = table + "." + column;
        String v = overrides.get(qualified);
        return Optional.ofNullable(v != null ? v : overrides.get(column));
    }

    /** True when the column's String values are JSON to be sent as JSON (object, flattened, nested). */
    boolean isJson(TableId table, Column column) {
        Optional<String> o = override(table, column.name());
        if (o.isPresent()) {
            return isJsonType(o.get());
        }
        DataType t = column.type();
        return t.kind() == dev.cdc.api.schema.TypeKind.JSON
                || t instanceof DataType.Array a && a.element().kind() == dev.cdc.api.schema.TypeKind.JSON;
    }

    static boolean isJsonType(String esType) {
        return esType.equals("object") || esType.equals("flattened") || esType.equals("nested");
    }

    /** The mapping of a column of a known schema. */
    Map<String, Object> of(TableId table, Column column) {
        return override(table, column.name()).map(FieldMappings::ofType).orElseGet(() -> of(column.type()));
    }

    /** The mapping of a column seen only through a value; empty for null (wait for a value). */
    Optional<Map<String, Object>> ofValue(TableId table, String column, Object value) {
        Optional<String> o = override(table, column);
        if (o.isPresent()) {
            return Optional.of(ofType(o.get()));
        }
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Collection<?> list) {
            for (Object e : list) {
                if (e != null) {
                    return ofValue(table, column, e);
                }
            }
            return Optional.empty();
        }
        return Optional.of(ofJavaValue(value));
    }

    private Map<String, Object> ofJavaValue(Object v) {
        if (v instanceof Boolean) {
            return ofType("boolean");
        } else if (v instanceof Short || v instanceof Byte) {
            return ofType("short");
        } else if (v instanceof Integer) {
            return ofType("integer");
        } else if (v instanceof Long) {
            return ofType("long");
        } else if (v instanceof Float) {
            return ofType("float");
        } else if (v instanceof Double) {
            return ofType("double");
        } else if (v instanceof BigDecimal || v instanceof BigInteger) {
            return decimal(null);
        } else if (v instanceof byte[]) {
            return ofType("binary");
        } else if (v instanceof LocalDate) {
            return Map.of("type", "date", "format", "strict_date");
        } else if (v instanceof LocalDateTime || v instanceof Instant || v instanceof OffsetDateTime
                || v instanceof ZonedDateTime) {
            return Map.of("type", "date", "format", DATE_FORMAT);
        } else if (v instanceof LocalTime || v instanceof UUID) {
            return ofType("keyword");
        } else if (v instanceof Map<?, ?>) {
            return ofType("object");
        }
        return text();
    }

    /** The mapping of a logical type. */
    Map<String, Object> of(DataType type) {
        return switch (type.kind()) {
            case BOOLEAN -> ofType("boolean");
            case INT16 -> ofType("short");
            case INT32 -> ofType("integer");
            case INT64 -> ofType("long");
            case FLOAT32 -> ofType("float");
            case FLOAT64 -> ofType("double");
            case DECIMAL -> decimal((DataType.Decimal) type);
            case STRING, OTHER -> text();
            case BYTES -> ofType("binary");
            case DATE -> Map.of("type", "date", "format", "strict_date");
            case TIMESTAMP, TIMESTAMP_TZ -> Map.of("type", "date", "format", DATE_FORMAT);
            case TIME, UUID -> ofType("keyword");
            case JSON -> ofType("object");
            case ARRAY -> of(((DataType.Array) type).element());
        };
    }

    private Map<String, Object> decimal(DataType.Decimal type) {
        return switch (decimalMapping) {
            case DOUBLE -> ofType("double");
            case KEYWORD -> ofType("keyword");
            case SCALED_FLOAT -> type != null && type.scale().isPresent()
                    ? Map.of("type", "scaled_float", "scaling_factor", Math.pow(10, type.scale().getAsInt()))
                    : ofType("double");
        };
    }

    private static Map<String, Object> text() {
        return Map.of("type", "text", "fields", Map.of("keyword", Map.of("type", "keyword", "ignore_above", 256)));
    }

    static Map<String, Object> ofType(String esType) {
        if (esType.equals("text")) {
            return text();
        }
        if (esType.equals("object")) {
            return Map.of("type", "object", "dynamic", true);
        }
        return Map.of("type", esType);
    }
}
