package dev.cdc.kafka.sink;

import dev.cdc.kafka.KafkaClientConfig;
import dev.cdc.kafka.TransactionalSession;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The {@code kafka} sink's options, bound once by its factory.
 *
 * @param transactionalId exactly-once only: the producer's transactional.id
 */
record KafkaSinkSettings(KafkaClientConfig client, String pipeline, String sinkName, boolean exactlyOnce,
                         String transactionalId, String stateTopic, Optional<Short> stateReplicationFactor,
                         Duration deliveryTimeout, Duration linger, long batchSize, String compression) {

    /** Producer settings the sink's guarantees rest on: client-properties may not change them. */
    static final Set<String> OWNED = Set.of("acks", "enable.idempotence", "transactional.id", "key.serializer",
            "value.serializer", "isolation.level", "retries");

    /** The key of this sink's committed positions in the state topic. */
    String stateKey() {
        return pipeline + "/" + sinkName;
    }

    String clientId() {
        return "cdc." + pipeline + "." + sinkName;
    }

    /** The producer's settings: the client's, the sink's defaults, then what its guarantee needs. */
    Properties producerProperties() {
        long timeout = deliveryTimeout.toMillis();
        Map<String, String> defaults = Map.of("linger.ms", Long.toString(linger.toMillis()),
                "batch.size", Long.toString(batchSize), "compression.type", compression,
                "delivery.timeout.ms", Long.toString(timeout + linger.toMillis()),
                "request.timeout.ms", Long.toString(Math.max(1000, timeout * 2 / 3)),
                "max.block.ms", Long.toString(timeout),
                "transaction.timeout.ms", Long.toString(Math.max(60_000, 2 * timeout)),
                "max.in.flight.requests.per.connection", "5");
        Map<String, String> fixed = new HashMap<>(Map.of("acks", "all", "enable.idempotence", "true",
                "key.serializer", ByteArraySerializer.class.getName(),
                "value.serializer", ByteArraySerializer.class.getName()));
        if (exactlyOnce) {
            fixed.putAll(TransactionalSession.fixedSettings(transactionalId));
        }
        return client.properties(clientId(), defaults, fixed);
    }

    String servers() {
        return String.join(",", client.bootstrapServers());
    }
}
