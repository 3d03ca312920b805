package dev.cdc.api.spi;

import dev.cdc.api.event.TableId;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * How far a snapshot of one table has come.
 *
 * @param table         the table
 * @param rowsRead      rows read so far
 * @param rowsEstimated the expected total, when the database can estimate it
 * @param finished      whether the table is done
 */
public record SnapshotProgress(TableId table, long rowsRead, OptionalLong rowsEstimated, boolean finished) {
    public SnapshotProgress {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(rowsEstimated, "rowsEstimated");
    }
}
