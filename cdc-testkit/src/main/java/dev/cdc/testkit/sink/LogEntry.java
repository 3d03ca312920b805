package dev.cdc.testkit.sink;

import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;

import java.util.Objects;
import java.util.Optional;

/**
 * One entry a LOG sink wrote, decoded by the plugin's {@link SinkView.Log}. Values may be in the
 * target's own types (see {@link dev.cdc.testkit.assertion.CanonicalRows}); a column written as
 * unchanged is read back as {@link dev.cdc.api.event.Unchanged#VALUE}.
 *
 * @param operation what the entry says happened
 * @param table     the table it names
 * @param key       its key columns (empty for TRUNCATE)
 * @param after     its after row, when it has one
 */
public record LogEntry(Operation operation, TableId table, Row key, Optional<Row> after) {
    public LogEntry {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(after, "after");
    }
}
