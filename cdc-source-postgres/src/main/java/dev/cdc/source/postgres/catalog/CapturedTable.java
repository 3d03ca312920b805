package dev.cdc.source.postgres.catalog;

import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.source.postgres.decoding.RelationMessage;
import dev.cdc.source.postgres.types.TypeRegistry;
import dev.cdc.source.postgres.types.ValueDecoder;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A table being captured: its schema, a value decoder per column, and which columns make the
 * event key: the primary key; without one, the replica identity index's columns; with neither
 * (or REPLICA IDENTITY FULL on a table without a primary key), no key.
 */
public final class CapturedTable {

    private final TableSchema schema;
    private final String[] names;
    private final ValueDecoder[] decoders;
    private final int[] keyIndexes;
    private final Optional<List<Integer>> attnums;

    private CapturedTable(TableSchema schema, ValueDecoder[] decoders, int[] keyIndexes,
                          Optional<List<Integer>> attnums) {
        this.schema = schema;
        this.names = schema.columnNames().toArray(new String[0]);
        this.decoders = decoders;
        this.keyIndexes = keyIndexes;
        this.attnums = attnums.map(List::copyOf);
    }

    /** This table with the attnums of its columns (in column order), as {@link ColumnIdentities} found them. */
    public CapturedTable withAttnums(Optional<List<Integer>> attnums) {
        if (attnums.isPresent() && attnums.get().size() != names.length) {
            throw new IllegalArgumentException(attnums.get().size() + " attnums for the " + names.length
                    + " columns of " + schema.table());
        }
        return new CapturedTable(schema, decoders, keyIndexes, attnums);
    }

    /**
     * The {@code pg_attribute.attnum} of each column, in column order, when known for sure: a
     * column that keeps its attnum under another name was renamed. Empty when unknown.
     */
    public Optional<List<Integer>> attnums() {
        return attnums;
    }

    /** From a Relation message, completed by what the catalog says now (nullability, defaults, primary key). */
    public static CapturedTable of(RelationMessage relation, Optional<CatalogTable> catalog, TypeRegistry types)
            throws SQLException {
        return of(relation, catalog, Optional.empty(), types);
    }

    /**
     * From a Relation message whose columns' attnums may be known ({@link ColumnIdentities}),
     * completed by what the catalog says now: each column found by attnum when known (the catalog
     * may already call it otherwise), else by name.
     */
    public static CapturedTable of(RelationMessage relation, Optional<CatalogTable> catalog,
                                   Optional<List<Integer>> attnums, TypeRegistry types) throws SQLException {
        Map<String, CatalogColumn> byName = catalog.map(c -> c.columns().stream()
                .collect(Collectors.toMap(CatalogColumn::name, Function.identity()))).orElse(Map.of());
        Map<Integer, CatalogColumn> byAttnum = catalog.map(c -> c.columns().stream()
                .collect(Collectors.toMap(CatalogColumn::attnum, Function.identity()))).orElse(Map.of());
        List<Column> columns = new ArrayList<>();
        ValueDecoder[] decoders = new ValueDecoder[relation.columns().size()];
        List<String> flagged = new ArrayList<>();
        for (int i = 0; i < decoders.length; i++) {
            RelationMessage.Column c = relation.columns().get(i);
            decoders[i] = types.decoder(c.typeOid(), c.typmod());
            CatalogColumn known = attnums.isPresent() ? byAttnum.get(attnums.get().get(i)) : byName.get(c.name());
            boolean sameType = known != null && known.typeOid() == c.typeOid();
            columns.add(new Column(c.name(), decoders[i].type(), known == null || !known.notNull(),
                    sameType ? known.defaultValue() : Optional.empty(),
                    sameType ? Optional.of(known.sourceType()) : types.find(c.typeOid()).map(t -> t.name())));
            if (c.key()) {
                flagged.add(c.name());
            }
        }
        List<String> names = columns.stream().map(Column::name).toList();
        List<String> pk = catalog.map(CatalogTable::primaryKey).orElse(List.of());
        if (attnums.isPresent()) { // the key's columns by the names they have at the message's place in the log
            List<String> renamed = new ArrayList<>();
            for (String k : pk) {
                CatalogColumn c = byName.get(k);
                int at = c == null ? -1 : attnums.get().indexOf(c.attnum());
                if (at >= 0) {
                    renamed.add(relation.columns().get(at).name());
                }
            }
            pk = renamed.size() == pk.size() ? renamed : pk;
        }
        List<String> key;
        if (!pk.isEmpty() && names.containsAll(pk)) {
            key = pk;
        } else if (relation.replicaIdentity() == 'd' || relation.replicaIdentity() == 'i') {
            key = flagged;
        } else {
            key = List.of();
        }
        TableSchema schema = new TableSchema(TableId.of(relation.namespace(), relation.name()), columns,
                names.containsAll(pk) ? pk : List.of());
        return new CapturedTable(schema, decoders, indexes(names, key), Optional.empty()).withAttnums(attnums);
    }

    /** From the catalog alone (for a snapshot, and to know a table's shape before its first Relation message). */
    public static CapturedTable of(CatalogTable table, TypeRegistry types) throws SQLException {
        List<Column> columns = new ArrayList<>();
        ValueDecoder[] decoders = new ValueDecoder[table.columns().size()];
        for (int i = 0; i < decoders.length; i++) {
            CatalogColumn c = table.columns().get(i);
            decoders[i] = types.decoder(c.typeOid(), c.typmod());
            columns.add(new Column(c.name(), decoders[i].type(), !c.notNull(), c.defaultValue(),
                    Optional.of(c.sourceType())));
        }
        TableSchema schema = new TableSchema(table.table(), columns, table.primaryKey());
        return new CapturedTable(schema, decoders, indexes(schema.columnNames(), table.primaryKey()), Optional.empty());
    }

    private static int[] indexes(List<String> names, List<String> key) {
        return key.stream().mapToInt(names::indexOf).toArray();
    }

    public TableSchema schema() {
        return schema;
    }

    public TableId table() {
        return schema.table();
    }

    public int columnCount() {
        return names.length;
    }

    public String columnName(int i) {
        return names[i];
    }

    public ValueDecoder decoder(int i) {
        return decoders[i];
    }

    public int[] keyIndexes() {
        return keyIndexes;
    }

    /** The row of a tuple: text values decoded, NULL as null, unchanged TOAST values as {@link Unchanged#VALUE}. */
    public Row row(Object[] tuple) {
        Row.Builder b = Row.builder();
        int n = Math.min(tuple.length, names.length);
        for (int i = 0; i < n; i++) {
            Object v = tuple[i];
            b.put(names[i], v instanceof String s ? decoders[i].decode(s) : v);
        }
        return b.build();
    }

    /** The key columns of a tuple, decoded; empty for a table without a key. */
    public Row key(Object[] tuple) {
        if (keyIndexes.length == 0) {
            return Row.empty();
        }
        Row.Builder b = Row.builder();
        for (int i : keyIndexes) {
            Object v = i < tuple.length ? tuple[i] : null;
            b.put(names[i], v instanceof String s ? decoders[i].decode(s) : v);
        }
        return b.build();
    }

    /** The key columns taken from an already decoded row. */
    public Row key(Row row) {
        if (keyIndexes.length == 0) {
            return Row.empty();
        }
        Row.Builder b = Row.builder();
        for (int i : keyIndexes) {
            b.put(names[i], row.get(names[i]));
        }
        return b.build();
    }
}
