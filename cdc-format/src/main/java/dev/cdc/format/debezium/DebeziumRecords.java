package dev.cdc.format.debezium;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.format.EnvelopeRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The records Debezium's connectors write for cdc's events, as its JSON converter writes them:
 * one per insert, snapshot read and update; a delete and its tombstone; a primary-key change as
 * delete, tombstone and create; PostgreSQL logical messages as {@code op: m} on
 * {@code <prefix>.message}; MySQL schema changes on the {@code <prefix>} topic; truncates per
 * {@code skipped.operations}; and {@code ExtractNewRecordState}'s records for events the
 * {@code unwrap} transformer marked. The tables' schemas come from the schema changes written
 * through it (see {@link #learn}). Thread-safe.
 */
public final class DebeziumRecords {

    /** Where PostgreSQL logical decoding messages arrive (the PostgreSQL source's table for them). */
    private static final TableId PG_MESSAGES = TableId.of("pg_logical", "message");
    private static final JsonFactory JSON = new JsonFactory();

    private final DebeziumSettings settings;
    private final Map<TableId, TableCodec> tables = new ConcurrentHashMap<>();

    public DebeziumRecords(DebeziumSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public DebeziumSettings settings() {
        return settings;
    }

    /** The records of an event, in order; {@code now} is the envelope's {@code ts_ms}. */
    public List<EnvelopeRecord> records(StreamEvent event, Instant now) {
        try {
            if (event instanceof SchemaChangeEvent s) {
                learn(s);
                return SchemaChangeRecords.of(s, settings, now);
            }
            return change((ChangeEvent) event, now);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Takes the table's new schema (or forgets a dropped table). */
    public void learn(SchemaChangeEvent s) {
        if (s.after().isEmpty()) {
            tables.remove(s.table());
        } else {
            tables.put(s.table(), TableCodec.of(s.after().get(), Flavour.of(s.position()), settings));
        }
    }

    private TableCodec table(ChangeEvent e) {
        Flavour f = Flavour.of(e.position());
        TableCodec t = tables.get(e.table());
        if (t == null || t.flavour() != f) {
            t = TableCodec.ofRow(e.table(), e.key(), e.latestRow(), f, settings);
            tables.put(e.table(), t);
        }
        return t;
    }

    /**
     * One record of an event before it is written: its op ({@code null} for a tombstone), the key
     * row, before and after rows, and headers.
     */
    record Draft(String op, Row key, Row before, Row after, Map<String, String> headers) {
    }

    private List<EnvelopeRecord> change(ChangeEvent e, Instant now) throws IOException {
        if (settings.skipped().contains(e.operation())) {
            return List.of();
        }
        Flavour f = Flavour.of(e.position());
        if (f == Flavour.POSTGRESQL && e.table().equals(PG_MESSAGES)) {
            return List.of(message(e, f, now));
        }
        TableCodec t = table(e);
        List<Draft> drafts = drafts(e, t);
        if (UnwrappedRecords.applies(e)) {
            return UnwrappedRecords.of(drafts, e, t, this);
        }
        List<EnvelopeRecord> out = new ArrayList<>(drafts.size());
        for (Draft d : drafts) {
            byte[] key = t.hasKey() ? keyBytes(t, d.key(), e.operation() == Operation.READ) : null;
            byte[] value = d.op() == null ? null : envelope(t, e, d.before(), d.after(), d.op(), now);
            out.add(new EnvelopeRecord(t.topic(), key, value, d.headers()));
        }
        return out;
    }

    /** Debezium's records of a row change, as drafts. */
    private List<Draft> drafts(ChangeEvent e, TableCodec t) throws IOException {
        List<Draft> out = new ArrayList<>(3);
        switch (e.operation()) {
            case CREATE, READ -> out.add(new Draft(e.operation().code(), e.key(), null, e.after().get(), Map.of()));
            case UPDATE -> {
                Row before = e.before().orElse(null);
                Row oldKey = before == null || !t.hasKey() ? null : before.project(List.copyOf(e.key().asMap().keySet()));
                if (oldKey != null && !oldKey.isEmpty() && !sameKey(oldKey, e.key())) {
                    Map<String, String> newKey = Map.of("__debezium.newkey", json(g -> t.writeKey(g, e.key(), false)));
                    out.add(new Draft("d", oldKey, before, null, newKey));
                    if (settings.tombstonesOnDelete()) {
                        out.add(new Draft(null, oldKey, null, null, newKey));
                    }
                    out.add(new Draft("c", e.key(), null, e.after().get(),
                            Map.of("__debezium.oldkey", json(g -> t.writeKey(g, oldKey, false)))));
                } else {
                    out.add(new Draft("u", e.key(), before, e.after().get(), Map.of()));
                }
            }
            case DELETE -> {
                out.add(new Draft("d", e.key(), e.before().orElse(e.key()), null, Map.of()));
                if (settings.tombstonesOnDelete()) {
                    out.add(new Draft(null, e.key(), null, null, Map.of()));
                }
            }
            case TRUNCATE -> out.add(new Draft("t", Row.empty(), null, null, Map.of()));
            default -> throw new AssertionError(e.operation());
        }
        return out;
    }

    /** The key of a record: Debezium's key struct, with its schema when schemas.enable is on. */
    byte[] keyBytes(TableCodec t, Row key, boolean read) throws IOException {
        return bytes(g -> {
            if (settings.schemasEnable()) {
                g.writeStartObject();
                g.writeFieldName("schema");
                t.keySchema().write(g, null);
                g.writeFieldName("payload");
                t.writeKey(g, key, read);
                g.writeEndObject();
            } else {
                t.writeKey(g, key, read);
            }
        });
    }

    private byte[] envelope(TableCodec t, ChangeEvent e, Row before, Row after, String op, Instant now)
            throws IOException {
        boolean read = e.operation() == Operation.READ;
        Flavour f = t.flavour();
        return bytes(g -> {
            if (settings.schemasEnable()) {
                g.writeStartObject();
                g.writeFieldName("schema");
                envelopeSchema(t, f).write(g, null);
                g.writeFieldName("payload");
            }
            g.writeStartObject();
            g.writeFieldName("before");
            writeRow(g, t, before, read);
            g.writeFieldName("after");
            writeRow(g, t, after, read);
            g.writeFieldName("source");
            SourceBlock.write(g, e, e.transactionId(), f, settings, read ? SourceBlock.snapshotMark(e.position())
                    : "false", false);
            g.writeNullField("transaction");
            g.writeStringField("op", op);
            writeTimes(g, now);
            g.writeEndObject();
            if (settings.schemasEnable()) {
                g.writeEndObject();
            }
        });
    }

    private static void writeRow(JsonGenerator g, TableCodec t, Row row, boolean read) throws IOException {
        if (row == null) {
            g.writeNull();
        } else {
            t.writeRow(g, row, read);
        }
    }

    static void writeTimes(JsonGenerator g, Instant now) throws IOException {
        g.writeNumberField("ts_ms", now.toEpochMilli());
        g.writeNumberField("ts_us", now.getEpochSecond() * 1_000_000L + now.getNano() / 1000);
        g.writeNumberField("ts_ns", now.getEpochSecond() * 1_000_000_000L + now.getNano());
    }

    private ConnectSchema envelopeSchema(TableCodec t, Flavour f) {
        return ConnectSchema.of("struct").name(t.topic() + ".Envelope").version(2)
                .field("before", t.valueSchema().optional(true)).field("after", t.valueSchema().optional(true))
                .field("source", SourceBlock.schema(f))
                .field("transaction", transactionSchema())
                .field("op", ConnectSchema.of("string"))
                .field("ts_ms", ConnectSchema.of("int64").optional(true))
                .field("ts_us", ConnectSchema.of("int64").optional(true))
                .field("ts_ns", ConnectSchema.of("int64").optional(true));
    }

    private static ConnectSchema transactionSchema() {
        return ConnectSchema.of("struct").name("event.block").version(1).optional(true)
                .field("id", ConnectSchema.of("string")).field("total_order", ConnectSchema.of("int64"))
                .field("data_collection_order", ConnectSchema.of("int64"));
    }

    /** A PostgreSQL logical decoding message: {@code op: m} on {@code <prefix>.message}, keyed by its prefix. */
    private EnvelopeRecord message(ChangeEvent e, Flavour f, Instant now) throws IOException {
        Row row = e.after().orElseThrow();
        String prefix = String.valueOf(row.get("prefix"));
        Object content = row.get("content");
        byte[] bytes = content instanceof byte[] b ? b : String.valueOf(content).getBytes(StandardCharsets.UTF_8);
        boolean schemas = settings.schemasEnable();
        byte[] key = bytes(g -> {
            if (schemas) {
                g.writeStartObject();
                g.writeFieldName("schema");
                ConnectSchema.of("struct").name("io.debezium.connector.postgresql.MessageKey").version(1)
                        .field("prefix", ConnectSchema.of("string").optional(true)).write(g, null);
                g.writeFieldName("payload");
            }
            g.writeStartObject();
            g.writeStringField("prefix", prefix);
            g.writeEndObject();
            if (schemas) {
                g.writeEndObject();
            }
        });
        byte[] value = bytes(g -> {
            if (schemas) {
                g.writeStartObject();
                g.writeFieldName("schema");
                ConnectSchema.of("struct").name("io.debezium.connector.postgresql.MessageValue").version(1)
                        .field("op", ConnectSchema.of("string"))
                        .field("ts_ms", ConnectSchema.of("int64").optional(true))
                        .field("source", SourceBlock.schema(f))
                        .field("transaction", transactionSchema())
                        .field("message", ConnectSchema.of("struct").name("io.debezium.connector.postgresql.Message")
                                .version(1).field("prefix", ConnectSchema.of("string").optional(true))
                                .field("content", ConnectSchema.of("bytes").optional(true)))
                        .write(g, null);
                g.writeFieldName("payload");
            }
            g.writeStartObject();
            g.writeStringField("op", "m");
            g.writeNumberField("ts_ms", now.toEpochMilli());
            g.writeFieldName("source");
            SourceBlock.write(g, e, e.transactionId(), f, settings, "false", true);
            g.writeNullField("transaction");
            g.writeObjectFieldStart("message");
            g.writeStringField("prefix", prefix);
            g.writeFieldName("content");
            g.writeBinary(bytes);
            g.writeEndObject();
            g.writeEndObject();
            if (schemas) {
                g.writeEndObject();
            }
        });
        return new EnvelopeRecord(settings.topicPrefix() + ".message", key, value, Map.of());
    }

    private static boolean sameKey(Row a, Row b) {
        for (Map.Entry<String, Object> c : b.asMap().entrySet()) {
            if (!Objects.deepEquals(a.get(c.getKey()), c.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** What {@link #bytes} writes. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] bytes(Body body) throws IOException {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            body.write(g);
        }
        return out.toByteArray();
    }

    private static String json(Body body) throws IOException {
        return new String(bytes(body), StandardCharsets.UTF_8);
    }
}
