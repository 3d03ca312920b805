package dev.cdc.sink.jdbc.table;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The logical types of columns the sink was given no schema for (a source that does not announce
 * its tables), inferred from the Java values of the rows: {@code Long} is int64, {@code BigDecimal}
 * an unconstrained decimal, {@code String} a string, and so on; a column that is NULL in every row
 * seen is a string. Stateless.
 */
public final class InferredTypes {

    private InferredTypes() {
    }

    /** A schema for the table of {@code events} from the first non-null value of each column; the key from the events' key. */
    public static TableSchema schema(List<ChangeEvent> events) {
        ChangeEvent first = events.get(0);
        Map<String, DataType> types = new LinkedHashMap<>();
        first.key().asMap().forEach((c, v) -> merge(types, c, v));
        for (ChangeEvent e : events) {
            e.key().asMap().forEach((c, v) -> merge(types, c, v));
            e.after().or(e::before).map(Row::asMap).orElse(Map.of()).forEach((c, v) -> merge(types, c, v));
        }
        List<String> key = List.copyOf(first.key().columns());
        List<Column> columns = new ArrayList<>();
        types.forEach((c, t) -> columns.add(key.contains(c) ? Column.notNull(c, orString(t)) : Column.of(c, orString(t))));
        return new TableSchema(first.table(), columns, key);
    }

    /** The columns of {@code rows} that {@code known} lacks, with types inferred from their values. */
    public static List<Column> missing(TableSchema known, List<Row> rows) {
        Map<String, DataType> types = new LinkedHashMap<>();
        for (Row r : rows) {
            r.asMap().forEach((c, v) -> {
                if (known.column(c).isEmpty()) {
                    merge(types, c, v);
                }
            });
        }
        List<Column> out = new ArrayList<>();
        types.forEach((c, t) -> out.add(Column.of(c, orString(t))));
        return out;
    }

    /** Records the column (in order of first sight) with the type of its first non-null value. */
    private static void merge(Map<String, DataType> types, String column, Object value) {
        if (types.get(column) == null) {
            types.put(column, of(value));
        }
    }

    private static DataType orString(DataType t) {
        return t == null ? DataType.string() : t;
    }

    /** The logical type of a value, or null for NULL, an unchanged column and values of no known type. */
    static DataType of(Object v) {
        if (v instanceof Boolean) {
            return DataType.bool();
        } else if (v instanceof Short || v instanceof Byte) {
            return DataType.int16();
        } else if (v instanceof Integer) {
            return DataType.int32();
        } else if (v instanceof Long) {
            return DataType.int64();
        } else if (v instanceof Float) {
            return DataType.float32();
        } else if (v instanceof Double) {
            return DataType.float64();
        } else if (v instanceof BigDecimal) {
            return DataType.decimal();
        } else if (v instanceof String) {
            return DataType.string();
        } else if (v instanceof byte[]) {
            return DataType.bytes();
        } else if (v instanceof LocalDate) {
            return DataType.date();
        } else if (v instanceof LocalTime) {
            return DataType.time();
        } else if (v instanceof LocalDateTime) {
            return DataType.timestamp();
        } else if (v instanceof Instant || v instanceof OffsetDateTime) {
            return DataType.timestampTz();
        } else if (v instanceof UUID) {
            return DataType.uuid();
        } else if (v instanceof List<?> list) {
            DataType element = list.stream().map(InferredTypes::of).filter(java.util.Objects::nonNull).findFirst()
                    .orElse(DataType.string());
            return DataType.arrayOf(element);
        } else if (v instanceof Map<?, ?>) {
            return DataType.json();
        }
        return null;
    }
}
