package dev.cdc.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The {@code cdc} envelope (see {@code docs/envelope.md}). Immutable and thread-safe. */
final class CdcEnvelope {

    static final SerializedString OP = new SerializedString("op");
    static final SerializedString TABLE = new SerializedString("table");
    static final SerializedString KEY = new SerializedString("key");
    static final SerializedString BEFORE = new SerializedString("before");
    static final SerializedString AFTER = new SerializedString("after");
    static final SerializedString UNCHANGED = new SerializedString("unchanged");
    static final SerializedString SOURCE = new SerializedString("source");
    static final SerializedString PIPELINE = new SerializedString("pipeline");
    static final SerializedString POSITION = new SerializedString("position");
    static final SerializedString SORT_KEY = new SerializedString("sort_key");
    static final SerializedString TXID = new SerializedString("txid");
    static final SerializedString COMMIT_TS = new SerializedString("commit_ts");
    static final SerializedString COMMIT_TS_MS = new SerializedString("commit_ts_ms");
    static final SerializedString SCHEMA_VERSION = new SerializedString("schema_version");
    static final SerializedString TS_MS = new SerializedString("ts_ms");
    static final SerializedString HEADERS = new SerializedString("headers");
    static final SerializedString CHANGES = new SerializedString("changes");
    static final SerializedString DDL = new SerializedString("ddl");

    /** The op of schema change events. */
    static final String SCHEMA_OP = "schema";

    private static final JsonValues VALUES = JsonValues.omittingUnchanged();

    private final String pipelineName;

    CdcEnvelope(String pipelineName) {
        this.pipelineName = pipelineName;
    }

    public void writeChange(JsonGenerator g, ChangeEvent e, long writeMillis) throws IOException {
        g.writeStartObject();
        g.writeFieldName(OP);
        g.writeString(e.operation().code());
        g.writeFieldName(TABLE);
        g.writeString(e.table().toString());
        g.writeFieldName(KEY);
        VALUES.writeRow(g, e.key());
        Row before = e.before().orElse(null);
        Row after = e.after().orElse(null);
        g.writeFieldName(BEFORE);
        VALUES.writeRow(g, before);
        g.writeFieldName(AFTER);
        VALUES.writeRow(g, after);
        writeUnchangedList(g, before, after);
        g.writeFieldName(SOURCE);
        g.writeStartObject();
        writeSourceCommon(g, e);
        g.writeFieldName(TXID);
        if (e.transactionId().isPresent()) {
            g.writeString(e.transactionId().get());
        } else {
            g.writeNull();
        }
        writeCommitTime(g, e);
        g.writeFieldName(SCHEMA_VERSION);
        g.writeNumber(e.schemaVersion());
        g.writeEndObject();
        g.writeFieldName(TS_MS);
        g.writeNumber(writeMillis);
        writeHeaders(g, e.headers());
        g.writeEndObject();
    }

    /** {@code "unchanged": [...]}, only when some column of before or after is {@link Unchanged#VALUE}. */
    static void writeUnchangedList(JsonGenerator g, Row before, Row after) throws IOException {
        boolean inBefore = before != null && before.hasUnchanged();
        boolean inAfter = after != null && after.hasUnchanged();
        if (!inBefore && !inAfter) {
            return;
        }
        Set<String> names = new LinkedHashSet<>();
        if (inBefore) {
            collectUnchanged(before, names);
        }
        if (inAfter) {
            collectUnchanged(after, names);
        }
        g.writeFieldName(UNCHANGED);
        g.writeStartArray();
        for (String n : names) {
            g.writeString(n);
        }
        g.writeEndArray();
    }

    private static void collectUnchanged(Row row, Set<String> into) {
        for (Map.Entry<String, Object> c : row.asMap().entrySet()) {
            if (c.getValue() == Unchanged.VALUE) {
                into.add(c.getKey());
            }
        }
    }

    private void writeSourceCommon(JsonGenerator g, StreamEvent e) throws IOException {
        g.writeFieldName(PIPELINE);
        g.writeString(pipelineName);
        Position p = e.position();
        g.writeFieldName(POSITION);
        g.writeStartObject();
        for (Map.Entry<String, String> o : p.offsets().entrySet()) {
            g.writeFieldName(o.getKey());
            g.writeString(o.getValue());
        }
        g.writeEndObject();
        g.writeFieldName(SORT_KEY);
        g.writeString(p.sortKey());
    }

    private static void writeCommitTime(JsonGenerator g, StreamEvent e) throws IOException {
        g.writeFieldName(COMMIT_TS);
        g.writeString(e.commitTime().toString());
        g.writeFieldName(COMMIT_TS_MS);
        g.writeNumber(e.commitTime().toEpochMilli());
    }

    private static void writeHeaders(JsonGenerator g, Map<String, String> headers) throws IOException {
        if (headers.isEmpty()) {
            return;
        }
        g.writeFieldName(HEADERS);
        g.writeStartObject();
        for (Map.Entry<String, String> h : headers.entrySet()) {
            g.writeFieldName(h.getKey());
            g.writeString(h.getValue());
        }
        g.writeEndObject();
    }

    public void writeSchemaChange(JsonGenerator g, SchemaChangeEvent e, long writeMillis) throws IOException {
        g.writeStartObject();
        g.writeFieldName(OP);
        g.writeString(SCHEMA_OP);
        g.writeFieldName(TABLE);
        g.writeString(e.table().toString());
        g.writeFieldName(CHANGES);
        g.writeStartArray();
        for (SchemaChange c : e.changes()) {
            writeChangeItem(g, c);
        }
        g.writeEndArray();
        g.writeFieldName(BEFORE);
        writeSchema(g, e.before());
        g.writeFieldName(AFTER);
        writeSchema(g, e.after());
        g.writeFieldName(DDL);
        writeOptionalString(g, e.ddl());
        g.writeFieldName(SOURCE);
        g.writeStartObject();
        writeSourceCommon(g, e);
        writeCommitTime(g, e);
        g.writeEndObject();
        g.writeFieldName(TS_MS);
        g.writeNumber(writeMillis);
        g.writeEndObject();
    }

    /** {@code {"columns":[...],"primary_key":[...]}} or {@code null}. */
    static void writeSchema(JsonGenerator g, Optional<TableSchema> schema) throws IOException {
        if (schema.isEmpty()) {
            g.writeNull();
            return;
        }
        TableSchema s = schema.get();
        g.writeStartObject();
        g.writeArrayFieldStart("columns");
        for (Column c : s.columns()) {
            g.writeStartObject();
            writeColumnFields(g, "name", c);
            g.writeEndObject();
        }
        g.writeEndArray();
        writeStringArray(g, "primary_key", s.primaryKey());
        g.writeEndObject();
    }

    private static void writeColumnFields(JsonGenerator g, String nameField, Column c) throws IOException {
        g.writeStringField(nameField, c.name());
        g.writeStringField("type", c.type().describe());
        g.writeBooleanField("nullable", c.nullable());
        g.writeFieldName("source_type");
        writeOptionalString(g, c.sourceType());
        g.writeFieldName("default");
        writeOptionalString(g, c.defaultValue());
    }

    private static void writeChangeItem(JsonGenerator g, SchemaChange change) throws IOException {
        g.writeStartObject();
        g.writeStringField("kind", change.kind().tag());
        if (change instanceof SchemaChange.CreateTable c) {
            g.writeFieldName("schema");
            writeSchema(g, Optional.of(c.schema()));
        } else if (change instanceof SchemaChange.DropTable c) {
            g.writeStringField("table", c.table().toString());
        } else if (change instanceof SchemaChange.RenameTable c) {
            g.writeStringField("from", c.from().toString());
            g.writeStringField("to", c.to().toString());
        } else if (change instanceof SchemaChange.AddColumn c) {
            writeColumnFields(g, "column", c.column());
            g.writeFieldName("after");
            writeOptionalString(g, c.after());
        } else if (change instanceof SchemaChange.DropColumn c) {
            g.writeStringField("column", c.column());
        } else if (change instanceof SchemaChange.RenameColumn c) {
            g.writeStringField("from", c.from());
            g.writeStringField("to", c.to());
        } else if (change instanceof SchemaChange.AlterColumnType c) {
            g.writeStringField("column", c.column());
            g.writeStringField("from", c.from().describe());
            g.writeStringField("to", c.to().describe());
        } else if (change instanceof SchemaChange.AlterColumnNullability c) {
            g.writeStringField("column", c.column());
            g.writeBooleanField("nullable", c.nullable());
        } else if (change instanceof SchemaChange.AlterColumnDefault c) {
            g.writeStringField("column", c.column());
            g.writeFieldName("default");
            writeOptionalString(g, c.defaultValue());
        } else if (change instanceof SchemaChange.AlterPrimaryKey c) {
            writeStringArray(g, "from", c.from());
            writeStringArray(g, "to", c.to());
        }
        g.writeEndObject();
    }

    static void writeStringArray(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    static void writeOptionalString(JsonGenerator g, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            g.writeString(value.get());
        } else {
            g.writeNull();
        }
    }
}
