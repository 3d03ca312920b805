/**
 * The {@code kafka} source: reads the topics the {@code kafka} sink (or Debezium) wrote and feeds
 * any sink; group offsets are committed only after every sink acknowledged.
 */
package dev.cdc.kafka.source;
