package dev.cdc.api.verify;

import dev.cdc.api.event.TableId;

import java.util.List;
import java.util.Optional;

/**
 * Reads a source's captured tables back, in primary-key order and in chunks, as the exact READ
 * events its snapshot produces (same types, same values), without a slot or a log: what
 * {@code cdc verify} compares the sinks against. Opens regular connections only.
 *
 * <h2>Lifecycle and threads</h2>
 * {@link #open} once, then any calls, then {@link #close} (idempotent). The calls come <em>one at a
 * time</em> but not always from the same thread: {@code cdc verify} calls {@link #tables} and
 * {@link #keyColumns} on its main thread, {@link #readChunk} on a reading thread of its own (a new one
 * for each pass over a table) and {@link #readKeys} on the main thread again once that thread has
 * ended. The caller orders them (a thread's start and join), so each call happens-before the next
 * and state set by an earlier call (the connection from {@link #open}, a cache per table) is seen by
 * a later one without synchronization; an implementation must not tie anything to the calling thread
 * (a {@code ThreadLocal}, a connection per thread). Two calls never overlap, so one JDBC connection
 * serves them all.
 */
public interface RowReader extends AutoCloseable {

    /** Connects. */
    void open() throws Exception;

    /** The tables the pipeline captures, sorted. */
    List<TableId> tables() throws Exception;

    /** The table's primary-key columns in key order; empty when it has none (it cannot be verified). */
    List<String> keyColumns(TableId table) throws Exception;

    /**
     * Up to {@code limit} rows with a key greater than {@code after} (from the first row when
     * empty), in key order. Fewer than {@code limit} rows means the table has no more.
     */
    List<SourceRow> readChunk(TableId table, Optional<List<String>> after, int limit) throws Exception;

    /** The rows the table holds now for these keys (a key without a row is left out), in key order. */
    List<SourceRow> readKeys(TableId table, List<List<String>> keys) throws Exception;

    @Override
    void close() throws Exception;
}
