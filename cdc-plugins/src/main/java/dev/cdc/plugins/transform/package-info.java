/**
 * Built-in transformers: {@code drop-columns}, {@code mask-columns}, {@code rename-table} and
 * {@code unwrap}. Each returns new events and rewrites schema changes to match its rows.
 */
package dev.cdc.plugins.transform;
