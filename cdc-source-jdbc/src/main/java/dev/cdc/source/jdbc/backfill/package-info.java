/**
 * Backfills of the JDBC sources on the shared {@code BackfillRunner}: the table lookup and chunk
 * connection both sources use; the trigger source writes its watermarks through its change log,
 * the query source has no log and places each row at its own version.
 */
package dev.cdc.source.jdbc.backfill;
