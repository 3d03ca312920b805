package dev.cdc.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.TableSchema;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The {@code debezium} envelope: Debezium's value payload with schemas disabled, and a
 * simplified Debezium schema-change event (see {@code docs/envelope.md}). Immutable and thread-safe.
 */
final class DebeziumEnvelope implements Envelope {

    /** {@code source.version}. */
    static final String VERSION = "cdc-0.1";
    /** {@code source.connector}. */
    static final String CONNECTOR = "cdc";

    private static final SerializedString BEFORE = new SerializedString("before");
    private static final SerializedString AFTER = new SerializedString("after");
    private static final SerializedString SOURCE = new SerializedString("source");
    private static final SerializedString OP = new SerializedString("op");
    private static final SerializedString TS_MS = new SerializedString("ts_ms");
    private static final SerializedString TRANSACTION = new SerializedString("transaction");
    private static final SerializedString VERSION_FIELD = new SerializedString("version");
    private static final SerializedString CONNECTOR_FIELD = new SerializedString("connector");
    private static final SerializedString NAME = new SerializedString("name");
    private static final SerializedString SNAPSHOT = new SerializedString("snapshot");
    private static final SerializedString DB = new SerializedString("db");
    private static final SerializedString SCHEMA = new SerializedString("schema");
    private static final SerializedString TABLE = new SerializedString("table");
    private static final SerializedString TX_ID = new SerializedString("txId");
    private static final SerializedString LSN = new SerializedString("lsn");
    private static final SerializedString SEQUENCE = new SerializedString("sequence");

    private static final JsonValues VALUES = JsonValues.withUnchangedPlaceholder(JsonValues.DEBEZIUM_UNAVAILABLE);

    private final SerializedString pipelineName;

    DebeziumEnvelope(String pipelineName) {
        this.pipelineName = new SerializedString(pipelineName);
    }

    @Override
    public JsonValues values() {
        return VALUES;
    }

    @Override
    public boolean listsUnchanged() {
        return false;
    }

    @Override
    public void writeChange(JsonGenerator g, ChangeEvent e, long writeMillis) throws IOException {
        g.writeStartObject();
        g.writeFieldName(BEFORE);
        VALUES.writeRow(g, e.before().orElse(null));
        g.writeFieldName(AFTER);
        VALUES.writeRow(g, e.after().orElse(null));
        g.writeFieldName(SOURCE);
        writeSource(g, e, e.operation() == Operation.READ, e.transactionId());
        g.writeFieldName(OP);
        g.writeString(e.operation().code());
        g.writeFieldName(TS_MS);
        g.writeNumber(writeMillis);
        g.writeFieldName(TRANSACTION);
        g.writeNull();
        g.writeEndObject();
    }

    private void writeSource(JsonGenerator g, StreamEvent e, boolean snapshot, Optional<String> txId) throws IOException {
        TableId t = e.table();
        g.writeStartObject();
        g.writeFieldName(VERSION_FIELD);
        g.writeString(VERSION);
        g.writeFieldName(CONNECTOR_FIELD);
        g.writeString(CONNECTOR);
        g.writeFieldName(NAME);
        g.writeString(pipelineName);
        g.writeFieldName(TS_MS);
        g.writeNumber(e.commitTime().toEpochMilli());
        g.writeFieldName(SNAPSHOT);
        g.writeString(snapshot ? "true" : "false");
        g.writeFieldName(DB);
        g.writeString(t.namespace());
        g.writeFieldName(SCHEMA);
        g.writeString(t.namespace());
        g.writeFieldName(TABLE);
        g.writeString(t.name());
        g.writeFieldName(TX_ID);
        if (txId.isPresent()) {
            writeNumberIfIntegral(g, txId.get());
        } else {
            g.writeNull();
        }
        String lsn = e.position().offsets().get("lsn");
        if (lsn != null) {
            g.writeFieldName(LSN);
            writeNumberIfIntegral(g, lsn);
        }
        g.writeFieldName(SEQUENCE);
        g.writeString(e.position().sortKey());
        g.writeEndObject();
    }

    /** Debezium writes ids and LSNs as numbers: a decimal integer that fits a long is written as one, anything else as a string. */
    private static void writeNumberIfIntegral(JsonGenerator g, String text) throws IOException {
        if (isLong(text)) {
            g.writeNumber(Long.parseLong(text));
        } else {
            g.writeString(text);
        }
    }

    private static boolean isLong(String s) {
        int n = s.length();
        if (n == 0 || n > 19) {
            return false;
        }
        int start = s.charAt(0) == '-' && n > 1 ? 1 : 0;
        for (int i = start; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        if (n == 19 && start == 0) {
            return s.compareTo("9223372036854775807") <= 0;
        }
        return true;
    }

    @Override
    public void writeSchemaChange(JsonGenerator g, SchemaChangeEvent e, long writeMillis) throws IOException {
        TableId t = e.table();
        g.writeStartObject();
        g.writeFieldName(SOURCE);
        writeSource(g, e, false, Optional.empty());
        g.writeFieldName(TS_MS);
        g.writeNumber(writeMillis);
        g.writeStringField("databaseName", t.namespace());
        g.writeStringField("schemaName", t.namespace());
        g.writeFieldName("ddl");
        CdcEnvelope.writeOptionalString(g, e.ddl());
        g.writeArrayFieldStart("tableChanges");
        g.writeStartObject();
        g.writeStringField("type", e.after().isEmpty() ? "DROP" : e.before().isEmpty() ? "CREATE" : "ALTER");
        g.writeStringField("id", quotedId(t));
        g.writeFieldName("table");
        if (e.after().isPresent()) {
            writeTable(g, e.after().get());
        } else {
            g.writeNull();
        }
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Debezium's table id: {@code "namespace"."name"}, or {@code "name"} without a namespace. */
    private static String quotedId(TableId t) {
        String name = '"' + t.name() + '"';
        return t.namespace().isEmpty() ? name : '"' + t.namespace() + "\"." + name;
    }

    private static void writeTable(JsonGenerator g, TableSchema s) throws IOException {
        g.writeStartObject();
        CdcEnvelope.writeStringArray(g, "primaryKeyColumnNames", s.primaryKey());
        g.writeArrayFieldStart("columns");
        List<Column> columns = s.columns();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            String logical = c.type().describe();
            g.writeStartObject();
            g.writeStringField("name", c.name());
            g.writeStringField("typeName", c.sourceType().orElse(logical));
            g.writeStringField("typeExpression", c.sourceType().orElse(logical));
            g.writeStringField("logicalType", logical);
            g.writeNumberField("position", i + 1);
            g.writeBooleanField("optional", c.nullable());
            g.writeFieldName("defaultValueExpression");
            CdcEnvelope.writeOptionalString(g, c.defaultValue());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
