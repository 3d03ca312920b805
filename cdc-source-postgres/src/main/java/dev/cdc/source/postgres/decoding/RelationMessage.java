package dev.cdc.source.postgres.decoding;

import java.util.List;

/**
 * A pgoutput Relation message: a table's shape as the publisher sends it before the first row
 * of a session or after the shape changed.
 *
 * @param oid             the table's oid
 * @param namespace       its schema
 * @param name            its name
 * @param replicaIdentity {@code d} default (primary key), {@code n} nothing, {@code f} full, {@code i} index
 * @param columns         its published columns, in order
 */
public record RelationMessage(int oid, String namespace, String name, char replicaIdentity, List<Column> columns) {

    /**
     * @param key    whether the column is part of the replica identity
     * @param name   its name
     * @param typeOid its type's oid
     * @param typmod its type modifier, -1 when none
     */
    public record Column(boolean key, String name, int typeOid, int typmod) {
    }

    public RelationMessage {
        columns = List.copyOf(columns);
    }
}
