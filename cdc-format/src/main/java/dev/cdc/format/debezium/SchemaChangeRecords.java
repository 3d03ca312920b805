package dev.cdc.format.debezium;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.format.EnvelopeRecord;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The MySQL connector's schema-change records ({@code include.schema.changes}): on the
 * {@code <topic.prefix>} topic, keyed by {@code databaseName}, with the DDL and one
 * {@code tableChanges} item (CREATE, ALTER or DROP) describing the table's columns. The PostgreSQL
 * connector writes none, and neither does this for PostgreSQL. Column details cdc does not keep
 * (charsets, comments, auto-increment) are null or false; see docs/envelope.md.
 */
final class SchemaChangeRecords {

    private SchemaChangeRecords() {
    }

    static List<EnvelopeRecord> of(SchemaChangeEvent s, DebeziumSettings settings, Instant now) throws IOException {
        Flavour f = Flavour.of(s.position());
        boolean announcement = s.ddl().isEmpty() && s.changes().isEmpty() && s.before().isPresent();
        if (f != Flavour.MYSQL || announcement) {
            return List.of(); // PostgreSQL has no schema-change topic; a re-announced table changed nothing
        }
        String db = s.table().namespace();
        byte[] key = DebeziumRecords.bytes(g -> {
            if (settings.schemasEnable()) {
                g.writeStartObject();
                g.writeFieldName("schema");
                ConnectSchema.of("struct").name("io.debezium.connector.mysql.SchemaChangeKey").version(1)
                        .field("databaseName", ConnectSchema.of("string")).write(g, null);
                g.writeFieldName("payload");
            }
            g.writeStartObject();
            g.writeStringField("databaseName", db);
            g.writeEndObject();
            if (settings.schemasEnable()) {
                g.writeEndObject();
            }
        });
        byte[] value = DebeziumRecords.bytes(g -> {
            if (settings.schemasEnable()) {
                g.writeStartObject();
                g.writeFieldName("schema");
                valueSchema(f).write(g, null);
                g.writeFieldName("payload");
            }
            g.writeStartObject();
            g.writeFieldName("source");
            boolean snapshot = s.position().offsets().containsKey("snapshot");
            SourceBlock.write(g, s, Optional.empty(), f, settings,
                    snapshot ? SourceBlock.snapshotMark(s.position()) : "false", false);
            g.writeNumberField("ts_ms", now.toEpochMilli());
            g.writeStringField("databaseName", db);
            g.writeNullField("schemaName");
            g.writeFieldName("ddl");
            if (s.ddl().isPresent()) {
                g.writeString(s.ddl().get());
            } else {
                g.writeNull();
            }
            g.writeArrayFieldStart("tableChanges");
            g.writeStartObject();
            g.writeStringField("type", s.after().isEmpty() ? "DROP" : s.before().isEmpty() ? "CREATE" : "ALTER");
            g.writeStringField("id", quotedId(s.table()));
            g.writeFieldName("table");
            if (s.after().isPresent()) {
                writeTable(g, s.after().get());
            } else {
                g.writeNull();
            }
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
            if (settings.schemasEnable()) {
                g.writeEndObject();
            }
        });
        return List.of(new EnvelopeRecord(settings.topicPrefix(), key, value, Map.of()));
    }

    /** The Connect schema of a schema-change value ({@code io.debezium.connector.mysql.SchemaChangeValue}). */
    private static ConnectSchema valueSchema(Flavour f) {
        ConnectSchema strings = ConnectSchema.array(ConnectSchema.of("string")).optional(true);
        ConnectSchema column = ConnectSchema.of("struct").name("io.debezium.connector.schema.Column").version(1)
                .field("name", ConnectSchema.of("string")).field("jdbcType", ConnectSchema.of("int32"))
                .field("nativeType", optional("int32")).field("typeName", ConnectSchema.of("string"))
                .field("typeExpression", optional("string")).field("charsetName", optional("string"))
                .field("length", optional("int32")).field("scale", optional("int32"))
                .field("position", ConnectSchema.of("int32")).field("optional", optional("boolean"))
                .field("autoIncremented", optional("boolean")).field("generated", optional("boolean"))
                .field("comment", optional("string")).field("defaultValueExpression", optional("string"))
                .field("enumValues", ConnectSchema.array(ConnectSchema.of("string")).optional(true));
        ConnectSchema table = ConnectSchema.of("struct").name("io.debezium.connector.schema.Table").version(1)
                .optional(true).field("defaultCharsetName", optional("string"))
                .field("primaryKeyColumnNames", strings).field("columns", ConnectSchema.array(column))
                .field("comment", optional("string"));
        ConnectSchema change = ConnectSchema.of("struct").name("io.debezium.connector.schema.Change").version(1)
                .field("type", ConnectSchema.of("string")).field("id", ConnectSchema.of("string")).field("table", table);
        return ConnectSchema.of("struct").name("io.debezium.connector.mysql.SchemaChangeValue").version(1)
                .field("source", SourceBlock.schema(f)).field("ts_ms", ConnectSchema.of("int64"))
                .field("databaseName", optional("string")).field("schemaName", optional("string"))
                .field("ddl", optional("string")).field("tableChanges", ConnectSchema.array(change));
    }

    private static ConnectSchema optional(String type) {
        return ConnectSchema.of(type).optional(true);
    }

    /** Debezium's table id: {@code "namespace"."name"}. */
    static String quotedId(TableId t) {
        String name = '"' + t.name() + '"';
        return t.namespace().isEmpty() ? name : '"' + t.namespace() + "\"." + name;
    }

    private static void writeTable(JsonGenerator g, TableSchema t) throws IOException {
        g.writeStartObject();
        g.writeNullField("defaultCharsetName");
        g.writeArrayFieldStart("primaryKeyColumnNames");
        for (String k : t.primaryKey()) {
            g.writeString(k);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("columns");
        int position = 1;
        for (Column c : t.columns()) {
            MySqlColumnType type = MySqlColumnType.of(c.sourceType().orElse(c.type().describe()));
            g.writeStartObject();
            g.writeStringField("name", c.name());
            g.writeNumberField("jdbcType", type.jdbcType());
            g.writeNullField("nativeType");
            g.writeStringField("typeName", type.typeName());
            g.writeStringField("typeExpression", type.typeName());
            g.writeNullField("charsetName");
            writeInteger(g, "length", type.length());
            writeInteger(g, "scale", type.scale());
            g.writeNumberField("position", position++);
            g.writeBooleanField("optional", c.nullable());
            g.writeBooleanField("autoIncremented", false);
            g.writeBooleanField("generated", false);
            g.writeNullField("comment");
            g.writeFieldName("defaultValueExpression");
            if (c.defaultValue().isPresent() && !c.defaultValue().get().equalsIgnoreCase("NULL")) {
                g.writeString(c.defaultValue().get());
            } else {
                g.writeNull();
            }
            g.writeFieldName("enumValues");
            if (type.enumValues().isEmpty()) {
                g.writeNull();
            } else {
                g.writeStartArray();
                for (String v : type.enumValues()) {
                    g.writeString(v);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNullField("comment");
        g.writeEndObject();
    }

    private static void writeInteger(JsonGenerator g, String field, Integer value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, value);
        }
    }
}
