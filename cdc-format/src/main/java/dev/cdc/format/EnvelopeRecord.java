package dev.cdc.format;

import java.util.Map;
import java.util.Objects;

/**
 * One message an event becomes, for sinks whose messages have a topic, a key and a value (Kafka,
 * and the line sinks in the {@code debezium} format): in the {@code cdc} format one per event; in
 * the {@code debezium} format Debezium's records (a delete and its tombstone, a key change as
 * delete, tombstone and create, schema changes on the {@code topic.prefix} topic, ...).
 *
 * @param topic   the topic Debezium would use ({@code <topic.prefix>.<schema>.<table>}, ...), or the
 *                table's name in the {@code cdc} format
 * @param key     the key as UTF-8 JSON, or null when the message has none (a table without a key)
 * @param value   the value as UTF-8 JSON, or null for a tombstone
 * @param headers message headers (Debezium's {@code __debezium.oldkey} / {@code __debezium.newkey}
 *                on a key change, as JSON); empty when none
 */
public record EnvelopeRecord(String topic, byte[] key, byte[] value, Map<String, String> headers) {

    public EnvelopeRecord {
        Objects.requireNonNull(topic, "topic");
        headers = Map.copyOf(headers);
    }

    /** Whether this is a tombstone: a key with a null value. */
    public boolean isTombstone() {
        return value == null;
    }
}
