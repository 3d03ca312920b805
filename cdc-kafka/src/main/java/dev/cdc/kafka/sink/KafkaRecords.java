package dev.cdc.kafka.sink;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.format.EnvelopeFormat;
import dev.cdc.format.EnvelopeRecord;
import dev.cdc.format.EnvelopeWriter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Kafka records an event becomes: the envelope writer's records (the same writer every sink
 * uses), on the topics of the templates in the {@code cdc} format or Debezium's topics in the
 * {@code debezium} format, each with the headers {@code cdc.pipeline}, {@code cdc.sort_key},
 * {@code cdc.schema_version} and {@code cdc.txid} (when the source has one). In the {@code cdc}
 * format a delete of a keyed row is followed by a tombstone (key, null value) unless
 * {@code tombstones.on.delete} is false; the {@code debezium} format writes its own. Thread-safe.
 */
final class KafkaRecords {

    static final String PIPELINE = "cdc.pipeline";
    static final String SORT_KEY = "cdc.sort_key";
    static final String SCHEMA_VERSION = "cdc.schema_version";
    static final String TXID = "cdc.txid";

    private final EnvelopeWriter writer;
    private final TopicTemplate topics;
    private final TopicTemplate schemaTopic;
    private final boolean tombstones;
    private final byte[] pipeline;

    KafkaRecords(EnvelopeWriter writer, TopicTemplate topics, TopicTemplate schemaTopic, boolean tombstones) {
        this.writer = writer;
        this.topics = topics;
        this.schemaTopic = schemaTopic;
        this.tombstones = tombstones;
        this.pipeline = utf8(writer.pipelineName());
    }

    /** Appends the event's records to {@code out}; returns how many. */
    int add(StreamEvent event, List<ProducerRecord<byte[], byte[]>> out) {
        List<EnvelopeRecord> records = writer.records(event);
        boolean cdc = writer.format() == EnvelopeFormat.CDC;
        for (EnvelopeRecord r : records) {
            String topic = r.topic();
            byte[] key = r.key();
            if (cdc && event instanceof SchemaChangeEvent) {
                topic = schemaTopic.topic(event.table());
                key = utf8("{\"table\":" + jsonString(event.table().toString()) + "}");
            } else if (cdc) {
                topic = topics.topic(event.table());
            }
            out.add(new ProducerRecord<>(topic, null, key, r.value(), headers(event, r.headers())));
            if (cdc && tombstones && event instanceof ChangeEvent c && c.isDelete() && !c.key().isEmpty()) {
                out.add(new ProducerRecord<>(topic, null, key, null, headers(event, Map.of())));
            }
        }
        return records.size();
    }

    private List<Header> headers(StreamEvent event, Map<String, String> extra) {
        List<Header> h = new ArrayList<>(4 + extra.size());
        h.add(new RecordHeader(PIPELINE, pipeline));
        h.add(new RecordHeader(SORT_KEY, utf8(event.position().sortKey())));
        if (event instanceof ChangeEvent c) {
            h.add(new RecordHeader(SCHEMA_VERSION, utf8(Long.toString(c.schemaVersion()))));
            c.transactionId().ifPresent(tx -> h.add(new RecordHeader(TXID, utf8(tx))));
        }
        extra.forEach((k, v) -> h.add(new RecordHeader(k, utf8(v))));
        return h;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String jsonString(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
