package dev.cdc.format;

import dev.cdc.api.event.Row;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A table schema prepared for reading rows: each column's type by name, and the column names in
 * order, shared by every row that has exactly those columns (the usual case), so reading a row
 * makes no map. Made once per schema by whoever serves {@link EnvelopeReader.Schemas}. Immutable
 * and thread-safe.
 */
public final class RowShape {

    /** No schema known: values keep JSON's kinds. */
    public static final RowShape NONE = new RowShape(Map.of(), List.of(), List.of());

    private final Map<String, DataType> types;
    private final List<String> names;
    /** The type of each of {@link #names}, and of each of {@link #keyNames}. */
    private final DataType[] namedTypes;
    private final DataType[] keyTypes;
    private final Row.Columns columns;
    private final List<String> keyNames;
    private final Row.Columns keyColumns;

    private RowShape(Map<String, DataType> types, List<String> names, List<String> keyNames) {
        this.types = types;
        this.names = names;
        this.columns = Row.Columns.of(names);
        this.keyNames = keyNames;
        this.keyColumns = Row.Columns.of(keyNames);
        this.namedTypes = names.stream().map(types::get).toArray(DataType[]::new);
        this.keyTypes = keyNames.stream().map(types::get).toArray(DataType[]::new);
    }

    public static RowShape of(TableSchema schema) {
        Map<String, DataType> types = new HashMap<>();
        for (Column c : schema.columns()) {
            types.put(c.name(), c.type());
        }
        return new RowShape(types, schema.columnNames(), schema.primaryKey());
    }

    DataType type(String column) {
        return types.get(column);
    }

    /** The row of a JSON object of columns, each value decoded by its column's type. */
    Row row(Map<?, ?> json) {
        Row row = json.size() == names.size() ? row(json, names, columns)
                : json.size() == keyNames.size() ? row(json, keyNames, keyColumns) : null;
        if (row != null) {
            return row;
        }
        Row.Builder b = Row.builder();
        for (Map.Entry<?, ?> c : json.entrySet()) {
            String name = (String) c.getKey();
            b.put(name, ValueDecoder.decode(c.getValue(), types.get(name)));
        }
        return b.build();
    }

    /** The row when the JSON object has exactly these columns in this order, else null. */
    private Row row(Map<?, ?> json, List<String> expected, Row.Columns shared) {
        Object[] values = new Object[expected.size()];
        int i = 0;
        for (Map.Entry<?, ?> c : json.entrySet()) {
            String name = expected.get(i);
            if (!name.equals(c.getKey())) {
                return null;
            }
            values[i++] = ValueDecoder.decode(c.getValue(), types.get(name));
        }
        return Row.of(shared, values);
    }

    /**
     * The same row as {@link #row(Map)} gives for a JSON object of these columns (names and JSON
     * values in document order, no name twice), decoding {@code values} in place.
     */
    Row row(String[] jsonNames, Object[] values, int size) {
        Row row = size == names.size() ? row(jsonNames, values, size, names, namedTypes, columns)
                : size == keyNames.size() ? row(jsonNames, values, size, keyNames, keyTypes, keyColumns) : null;
        if (row != null) {
            return row;
        }
        Row.Builder b = Row.builder();
        for (int i = 0; i < size; i++) {
            b.put(jsonNames[i], ValueDecoder.decode(values[i], types.get(jsonNames[i])));
        }
        return b.build();
    }

    private static Row row(String[] jsonNames, Object[] values, int size, List<String> expected, DataType[] expectedTypes,
                           Row.Columns shared) {
        for (int i = 0; i < size; i++) {
            if (!expected.get(i).equals(jsonNames[i])) {
                return null;
            }
        }
        Object[] decoded = new Object[size];
        for (int i = 0; i < size; i++) {
            decoded[i] = ValueDecoder.decode(values[i], expectedTypes[i]);
        }
        return Row.of(shared, decoded);
    }
}
