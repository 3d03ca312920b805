/**
 * The {@code kafka} sink: a topic per table, the row key as record key, the event envelope as
 * value; at-least-once (idempotent producer, {@code acks=all}) or exactly-once (a transactional
 * producer that commits the pipeline's checkpoint in the same transaction).
 */
package dev.cdc.kafka.sink;
