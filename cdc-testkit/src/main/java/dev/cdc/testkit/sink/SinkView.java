package dev.cdc.testkit.sink;

import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;

import java.util.List;

/**
 * How {@link SinkContract} reads a target back, bypassing the sink under test (an HTTP search
 * of the index, a scan of the keys, a read of the file). A view is opened after the sink
 * flushed, so it must see everything durable (refresh an index first if the target needs it).
 * Each view is used once and closed; it is called from the test thread only.
 */
public sealed interface SinkView extends AutoCloseable permits SinkView.State, SinkView.Log {

    /** For {@link SinkCapability#STATE} sinks. */
    @FunctionalInterface
    non-sealed interface State extends SinkView {
        /**
         * Every row the target holds now for the table, in any order, with at least the columns
         * the events wrote (extra metadata columns are ignored). Empty when the table was never
         * written or is gone. Two rows with the same key are reported as two rows: the kit
         * treats that as a failed upsert.
         */
        List<Row> rows(TableId table) throws Exception;
    }

    /** For {@link SinkCapability#LOG} sinks. */
    @FunctionalInterface
    non-sealed interface Log extends SinkView {
        /** Every entry the target holds, in the order written. */
        List<LogEntry> entries() throws Exception;
    }

    /** Releases what the view holds; unchecked, so a lambda is a complete view. */
    @Override
    default void close() {
    }
}
