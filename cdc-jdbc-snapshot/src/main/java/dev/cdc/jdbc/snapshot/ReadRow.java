package dev.cdc.jdbc.snapshot;

import dev.cdc.api.event.Row;

/**
 * A row a chunk read returned: its key, the whole row, and its key values as text (what a
 * checkpoint records to resume after it, and what {@link KeysetTable.KeyBinder} binds back).
 */
public record ReadRow(Row key, Row row, String[] keys) {
}
