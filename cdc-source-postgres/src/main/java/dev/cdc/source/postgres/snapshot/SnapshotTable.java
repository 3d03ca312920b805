package dev.cdc.source.postgres.snapshot;

import dev.cdc.source.postgres.catalog.CapturedTable;
import dev.cdc.source.postgres.catalog.CatalogTable;

/**
 * A table to read, and where to start.
 *
 * @param captured  its schema and decoders
 * @param catalog   its catalog entry (key column types, row estimate)
 * @param index     its place in the snapshot's table order
 * @param afterKeys the primary-key values (text) of the last row already delivered, or null to start at the beginning
 * @param firstRow  the number of the first row to read (continues the numbering after a resume)
 * @param resumed   true for the table the checkpoint is in: its schema event was delivered already
 */
public record SnapshotTable(CapturedTable captured, CatalogTable catalog, int index, String[] afterKeys,
                            long firstRow, boolean resumed) {
}
