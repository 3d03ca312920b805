package dev.cdc.source.postgres.catalog;

import dev.cdc.api.event.TableId;

import java.util.List;

/**
 * A table as the catalog describes it now.
 *
 * @param table           its id (schema and name)
 * @param oid             its oid
 * @param columns         its columns in order, dropped ones left out
 * @param primaryKey      its primary-key columns in key order; empty without one
 * @param replicaIdentity {@code relreplident}: d, n, f or i
 * @param estimatedRows   {@code pg_class.reltuples}, or -1 when never analyzed
 * @param droppedAttnums  the {@code attnum}s of its dropped columns ({@code attisdropped}; they stay
 *                        in {@code pg_attribute} for good), ascending
 * @param columnList      whether a publication lists only some of its columns (PostgreSQL 15+)
 */
public record CatalogTable(TableId table, int oid, List<CatalogColumn> columns, List<String> primaryKey,
                           char replicaIdentity, long estimatedRows, List<Integer> droppedAttnums,
                           boolean columnList) {

    public CatalogTable {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        droppedAttnums = List.copyOf(droppedAttnums);
    }
}
