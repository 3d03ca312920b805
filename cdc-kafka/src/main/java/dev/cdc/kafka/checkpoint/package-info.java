/**
 * The {@code kafka} checkpoint store: each pipeline's checkpoint in a compacted topic, so a pipeline
 * keeps no local state.
 */
package dev.cdc.kafka.checkpoint;
