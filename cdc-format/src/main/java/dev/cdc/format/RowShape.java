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
    public static final RowShape NONE = new RowShape(Map.of(), List.of());

    private final Map<String, DataType> types;
    private final List<String> names;
    private final Row.Columns columns;

    private RowShape(Map<String, DataType> types, List<String> names) {
        this.types = types;
        this.names = names;
        this.columns = Row.Columns.of(names);
    }

    public static RowShape of(TableSchema schema) {
        Map<String, DataType> types = new HashMap<>();
        for (Column c : schema.columns()) {
            types.put(c.name(), c.type());
        }
        return new RowShape(types, schema.columnNames());
    }

    DataType type(String column) {
        return types.get(column);
    }

    /** The row of a JSON object of columns, each value decoded by its column's type. */
    Row row(Map<?, ?> json) {
        if (json.size() == names.size()) {
            Object[] values = new Object[names.size()];
            int i = 0;
            boolean same = true;
            for (Map.Entry<?, ?> c : json.entrySet()) {
                String name = names.get(i);
                if (!name.equals(c.getKey())) {
                    same = false;
                    break;
                }
                values[i++] = ValueDecoder.decode(c.getValue(), types.get(name));
            }
            if (same) {
                return Row.of(columns, values);
            }
        }
        Row.Builder b = Row.builder();
        for (Map.Entry<?, ?> c : json.entrySet()) {
            String name = (String) c.getKey();
            b.put(name, ValueDecoder.decode(c.getValue(), types.get(name)));
        }
        return b.build();
    }
}
