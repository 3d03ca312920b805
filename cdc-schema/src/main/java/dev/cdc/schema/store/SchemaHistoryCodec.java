package dev.cdc.schema.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.schema.registry.SchemaVersion;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The JSON form of a schema history, as {@link FileSchemaStore} writes it:
 *
 * <pre>{@code
 * {"format_version":1,
 *  "versions":[
 *   {"table":{"namespace":"public","name":"orders"},"version":2,"fingerprint":"9f2c...",
 *    "position":{"offsets":{"lsn":"23923456"},"sort_key":"00000000016d0c00"},
 *    "seen_at":"2026-01-02T13:45:00.250Z",
 *    "columns":[{"name":"id","type":"int64","nullable":false,"default":null,"source_type":"bigint"}, ...],
 *    "primary_key":["id"],
 *    "changes":[{"kind":"add-column","column":{...},"after":"id"}]}]}
 * }</pre>
 *
 * Types are written with {@link DataType#describe()} and read with {@link DataType#parse}.
 * Change kinds use {@link SchemaChangeKind#tag()}. Stateless and thread-safe.
 */
public final class SchemaHistoryCodec {

    /** The version written in {@code format_version}; decoding refuses a greater one. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SchemaHistoryCodec() {
    }

    public static byte[] encode(List<SchemaVersion> versions) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        ArrayNode array = root.putArray("versions");
        for (SchemaVersion v : versions) {
            ObjectNode node = array.addObject();
            node.set("table", table(v.table()));
            node.put("version", v.version());
            node.put("fingerprint", v.fingerprint());
            ObjectNode position = node.putObject("position");
            ObjectNode offsets = position.putObject("offsets");
            v.position().offsets().forEach(offsets::put);
            position.put("sort_key", v.position().sortKey());
            node.put("seen_at", v.seenAt().toString());
            ArrayNode columns = node.putArray("columns");
            v.schema().columns().forEach(c -> columns.add(column(c)));
            ArrayNode key = node.putArray("primary_key");
            v.schema().primaryKey().forEach(key::add);
            ArrayNode changes = node.putArray("changes");
            v.changes().forEach(c -> changes.add(change(c)));
        }
        return JSON.writeValueAsBytes(root);
    }

    /**
     * Reads {@link #encode}'s form.
     *
     * @param source names the file in error messages
     * @throws IOException when the bytes are not a schema history of a known format version
     */
    public static List<SchemaVersion> decode(byte[] bytes, String source) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IOException(source + " is not valid JSON (" + e.getMessage() + "); restore it from a "
                    + "backup or move it away to start a new schema history", e);
        }
        try {
            int format = required(root, "format_version").asInt();
            if (format > FORMAT_VERSION) {
                throw new IOException(source + " has format_version " + format + " but this cdc reads up to "
                        + FORMAT_VERSION + "; use the cdc version that wrote it or a newer one");
            }
            List<SchemaVersion> versions = new ArrayList<>();
            for (JsonNode node : required(root, "versions")) {
                TableId table = table(required(node, "table"));
                List<Column> columns = new ArrayList<>();
                required(node, "columns").forEach(c -> columns.add(column(c)));
                List<String> key = new ArrayList<>();
                required(node, "primary_key").forEach(k -> key.add(k.asText()));
                JsonNode position = required(node, "position");
                Map<String, String> offsets = new TreeMap<>();
                Iterator<Map.Entry<String, JsonNode>> fields = required(position, "offsets").fields();
                fields.forEachRemaining(f -> offsets.put(f.getKey(), f.getValue().asText()));
                List<SchemaChange> changes = new ArrayList<>();
                required(node, "changes").forEach(c -> changes.add(change(c, table)));
                versions.add(new SchemaVersion(table, required(node, "version").asInt(),
                        required(node, "fingerprint").asText(), new TableSchema(table, columns, key),
                        Position.of(offsets, required(position, "sort_key").asText()),
                        Instant.parse(required(node, "seen_at").asText()), changes));
            }
            return versions;
        } catch (RuntimeException e) {
            throw new IOException(source + " is not a schema history cdc can read: " + e.getMessage()
                    + "; restore it from a backup or move it away to start a new schema history", e);
        }
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("field '" + field + "' is missing in " + node);
        }
        return value;
    }

    private static ObjectNode table(TableId table) {
        ObjectNode node = JSON.createObjectNode();
        node.put("namespace", table.namespace());
        node.put("name", table.name());
        return node;
    }

    private static TableId table(JsonNode node) {
        return TableId.of(required(node, "namespace").asText(), required(node, "name").asText());
    }

    private static ObjectNode column(Column c) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", c.name());
        node.put("type", c.type().describe());
        node.put("nullable", c.nullable());
        node.put("default", c.defaultValue().orElse(null));
        node.put("source_type", c.sourceType().orElse(null));
        return node;
    }

    private static Column column(JsonNode node) {
        return new Column(required(node, "name").asText(), DataType.parse(required(node, "type").asText()),
                required(node, "nullable").asBoolean(), optionalText(node, "default"),
                optionalText(node, "source_type"));
    }

    private static Optional<String> optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = JSON.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static ObjectNode change(SchemaChange change) {
        ObjectNode node = JSON.createObjectNode();
        node.put("kind", change.kind().tag());
        if (change instanceof SchemaChange.CreateTable c) {
            node.set("columns", JSON.createArrayNode().addAll(c.schema().columns().stream().map(SchemaHistoryCodec::column).toList()));
            node.set("primary_key", strings(c.schema().primaryKey()));
        } else if (change instanceof SchemaChange.DropTable d) {
            node.set("table", table(d.table()));
        } else if (change instanceof SchemaChange.RenameTable r) {
            node.set("from", table(r.from()));
            node.set("to", table(r.to()));
        } else if (change instanceof SchemaChange.AddColumn a) {
            node.set("column", column(a.column()));
            node.put("after", a.after().orElse(null));
        } else if (change instanceof SchemaChange.DropColumn d) {
            node.put("column", d.column());
        } else if (change instanceof SchemaChange.RenameColumn r) {
            node.put("from", r.from());
            node.put("to", r.to());
        } else if (change instanceof SchemaChange.AlterColumnType t) {
            node.put("column", t.column());
            node.put("from", t.from().describe());
            node.put("to", t.to().describe());
            t.fromSourceType().ifPresent(v -> node.put("from_source_type", v));
            t.toSourceType().ifPresent(v -> node.put("to_source_type", v));
        } else if (change instanceof SchemaChange.AlterColumnNullability n) {
            node.put("column", n.column());
            node.put("nullable", n.nullable());
        } else if (change instanceof SchemaChange.AlterColumnDefault d) {
            node.put("column", d.column());
            node.put("default", d.defaultValue().orElse(null));
        } else if (change instanceof SchemaChange.AlterPrimaryKey k) {
            node.set("from", strings(k.from()));
            node.set("to", strings(k.to()));
        }
        return node;
    }

    /** A change of {@code table}'s history ({@code CreateTable}'s schema is of this table). */
    private static SchemaChange change(JsonNode node, TableId table) {
        SchemaChangeKind kind = SchemaChangeKind.fromTag(required(node, "kind").asText());
        return switch (kind) {
            case CREATE_TABLE -> {
                List<Column> columns = new ArrayList<>();
                required(node, "columns").forEach(c -> columns.add(column(c)));
                yield new SchemaChange.CreateTable(new TableSchema(table, columns, strings(required(node, "primary_key"))));
            }
            case DROP_TABLE -> new SchemaChange.DropTable(table(required(node, "table")));
            case RENAME_TABLE -> new SchemaChange.RenameTable(table(required(node, "from")), table(required(node, "to")));
            case ADD_COLUMN -> new SchemaChange.AddColumn(column(required(node, "column")), optionalText(node, "after"));
            case DROP_COLUMN -> new SchemaChange.DropColumn(required(node, "column").asText());
            case RENAME_COLUMN -> new SchemaChange.RenameColumn(required(node, "from").asText(),
                    required(node, "to").asText());
            case ALTER_COLUMN_TYPE -> new SchemaChange.AlterColumnType(required(node, "column").asText(),
                    DataType.parse(required(node, "from").asText()), DataType.parse(required(node, "to").asText()),
                    optionalText(node, "from_source_type"), optionalText(node, "to_source_type"));
            case ALTER_COLUMN_NULLABILITY -> new SchemaChange.AlterColumnNullability(required(node, "column").asText(),
                    required(node, "nullable").asBoolean());
            case ALTER_COLUMN_DEFAULT -> new SchemaChange.AlterColumnDefault(required(node, "column").asText(),
                    optionalText(node, "default"));
            case ALTER_PRIMARY_KEY -> new SchemaChange.AlterPrimaryKey(strings(required(node, "from")),
                    strings(required(node, "to")));
        };
    }
}
