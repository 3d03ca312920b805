package dev.cdc.api.verify;

import dev.cdc.api.event.ChangeEvent;

import java.util.List;
import java.util.Objects;

/**
 * One row a {@link RowReader} read: the READ event the source's snapshot would emit for it, and
 * its key values as text, one per key column in key order, as the database prints them (the form
 * of a {@link dev.cdc.api.spi.BackfillRequest}'s keys).
 */
public record SourceRow(ChangeEvent event, List<String> key) {

    public SourceRow {
        Objects.requireNonNull(event, "event");
        key = List.copyOf(key);
    }
}
