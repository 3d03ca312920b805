package dev.cdc.sink.elasticsearch;

import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TypeKind;
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
 * override ({@code column-types}) wins over both.
 *
 * <p>Every value a source delivers must index (docs/cdc-sink-elasticsearch.md, "Values"): numeric
 * and date fields take {@code ignore_malformed} and a {@code raw} keyword sub-field, so a value the
 * field type cannot hold ({@code NaN}, {@code infinity}, {@code 0000-00-00}, a year beyond the
 * field's range) stays in {@code _source}, is indexed as text in {@code <field>.raw}, and the row
 * is never rejected. Timestamps with sub-millisecond digits are {@code date_nanos} (with a
 * {@code millis} {@code date} sub-field for the years date_nanos cannot hold). Decimals are exact
 * {@code keyword}s by default. Thread-safe; immutable.
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

    DecimalMapping decimalMapping() {
        return decimalMapping;
    }

    /** The override for a column, by {@code namespace.table.column} first, then {@code column}. */
    Optional<String> override(TableId table, String column) {
        String qualified = table + "." + column;
        String v = overrides.get(qualified);
        return Optional.ofNullable(v != null ? v : overrides.get(column));
    }

    /**
     * True when the column's String values are JSON to be sent as JSON (parsed): only when
     * {@code column-types} maps it to object, flattened or nested. A json column is otherwise sent
     * as its exact text.
     */
    boolean isJson(TableId table, Column column) {
        return override(table, column.name()).map(FieldMappings::isJsonType).orElse(false);
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
            return tolerant("float");
        } else if (v instanceof Double) {
            return tolerant("double");
        } else if (v instanceof BigDecimal || v instanceof BigInteger) {
            return decimal(null);
        } else if (v instanceof byte[]) {
            return ofType("binary");
        } else if (v instanceof LocalDate) {
            return date("date", "strict_date");
        } else if (v instanceof LocalDateTime || v instanceof Instant || v instanceof OffsetDateTime
                || v instanceof ZonedDateTime) {
            return date("date_nanos", DATE_FORMAT);
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
            case FLOAT32 -> tolerant("float");
            case FLOAT64 -> tolerant("double");
            case DECIMAL -> decimal((DataType.Decimal) type);
            case STRING, OTHER, JSON -> text();
            case BYTES -> ofType("binary");
            case DATE -> date("date", "strict_date");
            case TIMESTAMP, TIMESTAMP_TZ -> date(subMillisecond((DataType.Temporal) type) ? "date_nanos" : "date",
                    DATE_FORMAT);
            case TIME, UUID -> ofType("keyword");
            case ARRAY -> of(((DataType.Array) type).element());
        };
    }

    /** Whether a timestamp may have digits below the millisecond: more than 3, or not known. */
    private static boolean subMillisecond(DataType.Temporal t) {
        return t.fractionDigits().isEmpty() || t.fractionDigits().getAsInt() > 3;
    }

    private Map<String, Object> decimal(DataType.Decimal type) {
        return switch (decimalMapping) {
            case DOUBLE -> tolerant("double");
            case KEYWORD -> Map.of("type", "keyword", "fields", Map.of("double",
                    Map.of("type", "double", "ignore_malformed", true)));
            case SCALED_FLOAT -> type != null && type.scale().isPresent()
                    ? tolerant(Map.of("type", "scaled_float", "scaling_factor", Math.pow(10, type.scale().getAsInt())))
                    : tolerant("double");
        };
    }

    /**
     * A numeric field that keeps the values it cannot hold (NaN, ±Infinity) in {@code _source} and
     * indexes them as text in {@code <field>.raw}.
     */
    private static Map<String, Object> tolerant(String esType) {
        return tolerant(Map.of("type", esType));
    }

    private static Map<String, Object> tolerant(Map<String, Object> base) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        m.put("ignore_malformed", true);
        m.put("fields", Map.of("raw", Map.of("type", "keyword")));
        return m;
    }

    /**
     * A date or date_nanos field that keeps what it cannot hold (infinity, zero dates, years out of
     * its range) in {@code _source} and indexes it as text in {@code <field>.raw}; date_nanos (years
     * 1970 to 2262) also indexes every value at millisecond precision in {@code <field>.millis}.
     */
    private static Map<String, Object> date(String esType, String format) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", esType);
        m.put("format", format);
        m.put("ignore_malformed", true);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("raw", Map.of("type", "keyword"));
        if (esType.equals("date_nanos")) {
            fields.put("millis", Map.of("type", "date", "format", format, "ignore_malformed", true));
        }
        m.put("fields", fields);
        return m;
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

    /** Whether the logical type is a decimal (for the scaled_float check). */
    static boolean isDecimal(DataType t) {
        return t.kind() == TypeKind.DECIMAL || t instanceof DataType.Array a && isDecimal(a.element());
    }
}
