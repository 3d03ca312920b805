/**
 * Backfills while streaming, by the watermark method of Netflix's DBLog, written once for the
 * JDBC-based streaming sources: {@link dev.cdc.jdbc.snapshot.backfill.BackfillRunner} (the loop
 * over the requests' chunks), {@link dev.cdc.jdbc.snapshot.backfill.ChunkWindow} (a chunk minus
 * the keys the log changed between its watermarks), {@link dev.cdc.jdbc.snapshot.backfill.Watermark}
 * and {@link dev.cdc.jdbc.snapshot.backfill.KeyListReader} (reads of an explicit key list). A
 * source supplies how watermarks go through its log and where a chunk's events are positioned.
 */
package dev.cdc.jdbc.snapshot.backfill;
