package dev.cdc.golden;

import io.debezium.embedded.Connect;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The real Debezium (embedded engine) capturing into memory: every record as Kafka's
 * JsonConverter writes it, with schemas disabled and enabled. Closed by the test.
 */
final class DebeziumRun implements AutoCloseable {

    private final DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final List<Record> records = new ArrayList<>();
    private final JsonConverter plainKey = converter("key", false);
    private final JsonConverter plainValue = converter("value", false);
    private final JsonConverter fullKey = converter("key", true);
    private final JsonConverter fullValue = converter("value", true);
    private volatile Throwable failure;

    private DebeziumRun(Properties properties) {
        this.engine = DebeziumEngine.create(Connect.class).using(properties)
                .using((success, message, error) -> {
                    if (!success && error != null) {
                        failure = error;
                    }
                })
                .notifying(this::accept).build();
        executor.execute(engine);
    }

    /** Starts an engine with the connector properties (offsets and schema history in memory). */
    static DebeziumRun start(Map<String, String> connector) {
        Properties p = new Properties();
        p.setProperty("name", "golden-" + connector.get("topic.prefix"));
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "60000");
        p.setProperty("schema.history.internal", "io.debezium.relational.history.MemorySchemaHistory");
        p.putAll(connector);
        return new DebeziumRun(p);
    }

    private static JsonConverter converter(String type, boolean schemas) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", schemas, "converter.type", type, "schemas.cache.size", 100));
        return c;
    }

    private void accept(ChangeEvent<SourceRecord, SourceRecord> event) {
        SourceRecord r = event.value();
        Record rec = new Record(r.topic(),
                text(plainKey.fromConnectData(r.topic(), r.keySchema(), r.key())),
                text(plainValue.fromConnectData(r.topic(), r.valueSchema(), r.value())),
                text(fullKey.fromConnectData(r.topic(), r.keySchema(), r.key())),
                text(fullValue.fromConnectData(r.topic(), r.valueSchema(), r.value())));
        synchronized (records) {
            records.add(rec);
        }
    }

    private static String text(byte[] json) {
        return json == null ? null : new String(json, StandardCharsets.UTF_8);
    }

    /** Every record so far, in order. */
    List<Record> records() {
        if (failure != null) {
            throw new AssertionError("the Debezium engine failed: " + failure, failure);
        }
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    @Override
    public void close() throws Exception {
        engine.close();
        executor.shutdown();
        executor.awaitTermination(30, TimeUnit.SECONDS);
    }

    /** One record: its topic, and key and value as JSON without and with schemas (null: none / tombstone). */
    record Record(String topic, String key, String value, String fullKey, String fullValue) {
    }
}
