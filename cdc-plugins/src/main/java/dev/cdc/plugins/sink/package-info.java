/**
 * The built-in sinks: {@code stdout} and {@code file} (events as JSON lines in the shared
 * envelope of {@code cdc-format}) and {@code discard} (counts events, writes nothing).
 */
package dev.cdc.plugins.sink;
