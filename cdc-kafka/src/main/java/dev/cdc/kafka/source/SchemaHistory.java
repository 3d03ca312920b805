package dev.cdc.kafka.source;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.format.EnvelopeReader;
import dev.cdc.format.RowShape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The upstream pipeline's schema changes, per table in {@code sort_key} order: where rows find the
 * column types in effect for them ({@link #at}), and which schema changes are due to be handed to
 * the pipeline before a row ({@link #dueBefore}) so the consumers' sinks migrate between the last
 * row of the old shape and the first of the new. Filled from the schema topic ({@link SchemaTopic})
 * and from schema-change envelopes met in the subscribed topics. Used from the source thread only,
 * but {@link #knownShape}.
 */
final class SchemaHistory implements EnvelopeReader.Schemas {

    private final Map<TableId, TreeMap<String, SchemaChangeEvent>> byTable = new HashMap<>();
    /** Per table, the sort key of the last schema change handed to the pipeline in this run. */
    private final Map<TableId, String> emitted = new HashMap<>();
    /** The schema of (table, upstream schema version), once looked up with the schema topic read to its end. */
    private final Map<Version, Optional<TableSchema>> byVersion = new HashMap<>();
    /** The row shape of each schema, and of each (table, version). */
    private final Map<TableSchema, RowShape> shapes = new IdentityHashMap<>();
    /** Read by decoder threads too ({@link #knownShape}). */
    private final Map<Version, RowShape> shapeByVersion = new ConcurrentHashMap<>();

    private record Version(TableId table, long version) {
    }
    private final SchemaTopic topic;

    /** @param topic the schema topic, or null when there is none */
    SchemaHistory(SchemaTopic topic) {
        this.topic = topic;
    }

    void add(SchemaChangeEvent change) {
        byTable.computeIfAbsent(change.table(), t -> new TreeMap<>()).put(change.position().sortKey(), change);
    }

    /** Reads what is new in the schema topic. */
    void catchUp() {
        if (topic != null) {
            topic.catchUp(this::add);
        }
    }

    @Override
    public Optional<TableSchema> at(TableId table, String sortKey, long schemaVersion) {
        Version versionKey = schemaVersion > 0 ? new Version(table, schemaVersion) : null;
        if (versionKey != null && byVersion.containsKey(versionKey)) {
            return byVersion.get(versionKey);
        }
        Optional<TableSchema> schema = floor(table, sortKey);
        if (topic != null && (versionKey != null || schema.isEmpty())) {
            catchUp(); // a version not seen yet: its schema change may be in the schema topic still unread
            schema = floor(table, sortKey);
        }
        if (versionKey != null) {
            byVersion.put(versionKey, schema);
        }
        return schema;
    }

    @Override
    public RowShape shape(TableId table, String sortKey, long schemaVersion) {
        Version version = schemaVersion > 0 ? new Version(table, schemaVersion) : null;
        RowShape shape = version == null ? null : shapeByVersion.get(version);
        if (shape == null) {
            shape = at(table, sortKey, schemaVersion).map(s -> shapes.computeIfAbsent(s, RowShape::of))
                    .orElse(RowShape.NONE);
            if (version != null) {
                shapeByVersion.put(version, shape);
            }
        }
        return shape;
    }

    /**
     * The row shape {@link #shape} gave for (table, version) before, else null (also for version 0,
     * whose shape depends on the row's sort key). Thread-safe: what a decoder thread may use.
     */
    RowShape knownShape(TableId table, long schemaVersion) {
        return schemaVersion > 0 ? shapeByVersion.get(new Version(table, schemaVersion)) : null;
    }

    private Optional<TableSchema> floor(TableId table, String sortKey) {
        TreeMap<String, SchemaChangeEvent> changes = byTable.get(table);
        if (changes == null) {
            return Optional.empty();
        }
        Map.Entry<String, SchemaChangeEvent> e = changes.floorEntry(sortKey);
        return e == null ? Optional.empty() : e.getValue().after();
    }

    /**
     * The schema changes of {@code table} to hand to the pipeline before a row of it at
     * {@code sortKey}: the one in effect for the first row of the table in this run, then each
     * later one once a row at or after it comes. Each is given {@code position}'s offsets and its
     * own sort key.
     */
    List<SchemaChangeEvent> dueBefore(TableId table, String sortKey, Position position) {
        TreeMap<String, SchemaChangeEvent> changes = byTable.get(table);
        if (changes == null) {
            return List.of();
        }
        String last = emitted.get(table);
        if (last != null) {
            String next = changes.higherKey(last);
            if (next == null || next.compareTo(sortKey) > 0) {
                return List.of(); // the usual row: no schema change since the last one handed on
            }
        }
        List<SchemaChangeEvent> due = new ArrayList<>();
        if (last == null) {
            Map.Entry<String, SchemaChangeEvent> e = changes.floorEntry(sortKey);
            if (e != null) {
                due.add(e.getValue());
            }
        } else if (last.compareTo(sortKey) < 0) {
            due.addAll(changes.subMap(last, false, sortKey, true).values());
        }
        return positioned(table, due, position);
    }

    /**
     * The sort key of the latest schema change {@link #dueBefore} would hand on before a row of
     * {@code table} at {@code sortKey}, without marking it handed on; empty when none is due.
     */
    Optional<String> pendingBefore(TableId table, String sortKey) {
        TreeMap<String, SchemaChangeEvent> changes = byTable.get(table);
        String floor = changes == null ? null : changes.floorKey(sortKey);
        if (floor == null) {
            return Optional.empty();
        }
        String last = emitted.get(table);
        return last != null && floor.compareTo(last) <= 0 ? Optional.empty() : Optional.of(floor);
    }

    /** Every schema change not handed to the pipeline yet (for when the topics are read to their end). */
    List<SchemaChangeEvent> remaining(Position position) {
        List<SchemaChangeEvent> out = new ArrayList<>();
        for (Map.Entry<TableId, TreeMap<String, SchemaChangeEvent>> t : byTable.entrySet()) {
            String last = emitted.get(t.getKey());
            List<SchemaChangeEvent> due = last == null ? List.of(t.getValue().lastEntry().getValue())
                    : List.copyOf(t.getValue().tailMap(last, false).values());
            out.addAll(positioned(t.getKey(), due, position));
        }
        return out;
    }

    private List<SchemaChangeEvent> positioned(TableId table, List<SchemaChangeEvent> due, Position position) {
        List<SchemaChangeEvent> out = new ArrayList<>(due.size());
        for (SchemaChangeEvent c : due) {
            out.add(new SchemaChangeEvent(c.table(), c.before(), c.after(), c.changes(), c.ddl(),
                    Position.of(position.offsets(), c.position().sortKey()), c.commitTime()));
            emitted.put(table, c.position().sortKey());
        }
        return out;
    }
}
