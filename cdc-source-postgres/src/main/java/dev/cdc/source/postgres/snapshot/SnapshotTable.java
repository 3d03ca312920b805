package dev.cdc.source.postgres.snapshot;

import dev.cdc.source.postgres.catalog.CapturedTable;
import dev.cdc.source.postgres.catalog.CatalogTable;

/**
 * A table to read, and where to start.
 *
 * @param captured  its schema and decoders
 * @param catalog   its catalog entry (key column types, row estimate)
 * @param index     its place in the selected tables' order
 * @param afterKeys the primary-key values (text) of the last row already delivered, or null to start at the beginning
 * @param resumed   true for a table in progress at the checkpoint: its schema event was delivered already
 */
public record SnapshotTable(CapturedTable captured, CatalogTable catalog, int index, String[] afterKeys,
                            boolean resumed) {
}
