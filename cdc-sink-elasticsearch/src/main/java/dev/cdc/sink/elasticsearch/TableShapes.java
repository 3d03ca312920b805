package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.TableSchema;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the sink knows of each table's shape: the schema of its last schema change (none for a
 * table seen only through rows), which of its columns are written as JSON objects rather than
 * strings, and so the field mappings a row's not yet mapped columns need. Values are encoded to
 * JSON through here, so a column is encoded the same way in a bulk body and in a merged document.
 * Lane thread only.
 */
final class TableShapes {

    private final FieldMappings mappings;
    private final Map<TableId, TableSchema> schemas = new HashMap<>();
    private final Map<TableId, Map<String, Boolean>> jsonColumns = new HashMap<>();

    TableShapes(FieldMappings mappings) {
        this.mappings = mappings;
    }

    /** The table's shape from now on. */
    void put(TableId table, TableSchema schema) {
        schemas.put(table, schema);
        jsonColumns.remove(table);
    }

    /** The table was dropped: its shape is no longer known. */
    void remove(TableId table) {
        schemas.remove(table);
        jsonColumns.remove(table);
    }

    Optional<TableSchema> schema(TableId table) {
        return Optional.ofNullable(schemas.get(table));
    }

    /** Whether the column's values are written as JSON (a json column, or one mapped to a JSON type). */
    boolean isJson(TableId table, String column) {
        return jsonColumns.computeIfAbsent(table, t -> new HashMap<>()).computeIfAbsent(column, c -> {
            TableSchema schema = schemas.get(table);
            Optional<Column> col = schema == null ? Optional.empty() : schema.column(c);
            if (col.isPresent()) {
                return mappings.isJson(table, col.get());
            }
            return mappings.override(table, c).map(FieldMappings::isJsonType).orElse(false);
        });
    }

    /**
     * The mappings of the row's columns that the index does not map yet, from the table's schema
     * when it is known, else from the values (a column whose mapping cannot be told is left to
     * Elasticsearch); empty when there are none.
     */
    Map<String, Map<String, Object>> newFields(Indexes.State state, TableId table, Row row) {
        Map<String, Map<String, Object>> added = new LinkedHashMap<>();
        for (Map.Entry<String, Object> c : row.asMap().entrySet()) {
            if (state.fields.containsKey(c.getKey()) || c.getValue() == Unchanged.VALUE) {
                continue;
            }
            TableSchema schema = schemas.get(table);
            Optional<Column> column = schema == null ? Optional.empty() : schema.column(c.getKey());
            Optional<Map<String, Object>> m = column.isPresent() ? Optional.of(mappings.of(table, column.get()))
                    : mappings.ofValue(table, c.getKey(), c.getValue());
            m.ifPresent(mapping -> added.put(c.getKey(), mapping));
        }
        return added;
    }

    /** The row as the JSON document the sink indexes. */
    ObjectNode toTree(TableId table, Row row) throws IOException {
        ObjectNode node = EsJson.MAPPER.createObjectNode();
        for (Map.Entry<String, Object> c : row.asMap().entrySet()) {
            node.set(c.getKey(), valueTree(table, c.getKey(), c.getValue()));
        }
        return node;
    }

    /** One column's value as the JSON the sink indexes. */
    JsonNode valueTree(TableId table, String column, Object value) throws IOException {
        var buffer = new TokenBuffer(EsJson.MAPPER, false);
        EsJson.write(buffer, value, isJson(table, column));
        return EsJson.MAPPER.readTree(buffer.asParser());
    }
}
