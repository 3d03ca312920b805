package dev.cdc.api.event;

import java.time.Instant;

/**
 * One element of a source's ordered stream: a row change or a schema change. Both are
 * immutable and may be shared between sinks.
 */
public sealed interface StreamEvent permits ChangeEvent, SchemaChangeEvent {

    TableId table();

    /** Where this event sits in the source's log. */
    Position position();

    /** When the source's transaction committed (or, for snapshot reads, when the snapshot began). */
    Instant commitTime();
}
