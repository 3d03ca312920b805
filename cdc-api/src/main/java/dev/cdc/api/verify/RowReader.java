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
 * {@link #open} once, then any calls from one thread, then {@link #close} (idempotent).
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
