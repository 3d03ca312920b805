/**
 * The snapshot machinery of the JDBC-based sources (PostgreSQL, MySQL/MariaDB, jdbc-trigger,
 * jdbc-query), written once: {@link dev.cdc.jdbc.snapshot.SnapshotMode}, the resumable
 * {@link dev.cdc.jdbc.snapshot.SnapshotState} carried in positions, keyset chunk reads of a table
 * ({@link dev.cdc.jdbc.snapshot.ChunkReader}: a table, a key range, an optional WHERE; reusable
 * for backfills) and the {@link dev.cdc.jdbc.snapshot.ParallelSnapshot} coordinator; and the
 * reconnect budget and backoff the streaming sources share ({@link dev.cdc.jdbc.snapshot.ReconnectBudget}).
 */
package dev.cdc.jdbc.snapshot;
