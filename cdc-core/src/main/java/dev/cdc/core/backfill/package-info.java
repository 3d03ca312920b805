/**
 * The engine side of backfills: the durable request store ({@link dev.cdc.core.backfill.BackfillStore},
 * {@code <state>/backfills/<id>.json}), the tracker that serves a running source
 * ({@link dev.cdc.core.backfill.Backfills}: requests, resume points recorded when the checkpoint
 * passes a chunk, progress) and the signal table ({@link dev.cdc.core.backfill.SignalTable}).
 */
package dev.cdc.core.backfill;
