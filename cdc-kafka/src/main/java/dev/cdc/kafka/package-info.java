/**
 * Apache Kafka for cdc: the connection options every Kafka plugin shares ({@link dev.cdc.kafka.KafkaClientOptions},
 * bound into a {@link dev.cdc.kafka.KafkaClientConfig} that builds the client properties), the
 * {@code kafka} sink ({@code dev.cdc.kafka.sink}), the {@code kafka} source ({@code dev.cdc.kafka.source})
 * and the {@code kafka} checkpoint store. Depends on cdc-api, cdc-format and kafka-clients only.
 * See docs/cdc-kafka.md.
 */
package dev.cdc.kafka;
