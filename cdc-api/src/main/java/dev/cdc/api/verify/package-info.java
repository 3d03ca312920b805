/**
 * Read-back contracts for {@code cdc verify}: a source reads its tables' rows in key order as its
 * snapshot would ({@link dev.cdc.api.verify.RowReader}); a sink says what it holds for a chunk of
 * keys, in its own canonical stored form, and which keys it holds for a table
 * ({@link dev.cdc.api.verify.SinkReader}). Both are found by the plugin type, through
 * {@link java.util.ServiceLoader}, so a plugin that cannot be read back simply has no factory.
 */
package dev.cdc.api.verify;
