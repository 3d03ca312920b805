package dev.cdc.testkit.sink;

/**
 * What a sink declares it can do; {@link SinkContract} asserts each declared capability works
 * and each undeclared one fails clearly (a {@link dev.cdc.api.error.CdcException}, best a
 * {@link dev.cdc.api.error.NotSupportedException}) instead of being silently ignored.
 */
public enum SinkCapability {
    /**
     * The target holds the latest row per key (an index, a hash, a table): read back with
     * {@link SinkView.State}. Exactly one of {@code STATE} and {@link #LOG}.
     */
    STATE,
    /**
     * The target keeps every event, appended (a file, a stream): read back with
     * {@link SinkView.Log}. Exactly one of {@link #STATE} and {@code LOG}.
     */
    LOG,
    /** DELETE events remove the row (STATE) or are written as delete entries (LOG). */
    DELETES,
    /**
     * A column whose value is {@link dev.cdc.api.event.Unchanged#VALUE} keeps the value the
     * target holds (STATE), or is written so the view reads it back as unchanged (LOG). Without
     * it, such an event must fail; the text {@code "<unchanged>"} is never written.
     */
    UNCHANGED_COLUMNS,
    /**
     * The sink never replaces a row with one from an older {@link dev.cdc.api.event.Position#sortKey()},
     * so replays and late deliveries leave the newest state. Only for STATE sinks.
     */
    ORDER_GUARD,
    /** TRUNCATE events remove every row of the table (STATE) or are written as entries (LOG). */
    TRUNCATE,
    /** {@link dev.cdc.api.spi.Sink#supportedSchemaChanges()} is not empty and those changes are applied. */
    SCHEMA_CHANGES,
    /** Keys of several columns are kept apart: rows (1,1), (1,2) and (2,1) are three rows. */
    COMPOSITE_KEYS
}
