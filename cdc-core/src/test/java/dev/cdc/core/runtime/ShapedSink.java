package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.Sink;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A sink with a table shape, like a warehouse table: it knows only the schema it was told through
 * {@link #applySchemaChange} (kept across pipeline runs, as a real target keeps its tables), and
 * rejects a row of a table it was never told about or with a column its schema does not have.
 * The state per key is the last row written (a dropped column leaves it); rows and schema changes become
 * durable on flush.
 */
final class ShapedSink implements Sink {
    final Map<TableId, TableSchema> schemas = new ConcurrentHashMap<>();
    final Map<Row, Row> state = new ConcurrentHashMap<>();
    final List<StreamEvent> durable = new CopyOnWriteArrayList<>();
    private final List<StreamEvent> buffer = new ArrayList<>();

    @Override
    public void write(List<ChangeEvent> events) {
        for (ChangeEvent e : events) {
            TableSchema schema = schemas.get(e.table());
            if (schema == null) {
                throw new IllegalArgumentException("no table " + e.table() + " for the row at " + e.position());
            }
            for (Row r : List.of(e.before(), e.after()).stream().flatMap(java.util.Optional::stream).toList()) {
                if (!schema.columnNames().containsAll(r.columns())) {
                    throw new IllegalArgumentException("row at " + e.position() + " has columns " + r.columns()
                            + " but " + e.table() + " has " + schema.columnNames());
                }
            }
        }
        buffer.addAll(events);
    }

    @Override
    public void applySchemaChange(SchemaChangeEvent change) {
        change.after().ifPresentOrElse(s -> schemas.put(change.table(), s), () -> schemas.remove(change.table()));
        // a dropped column's values go with it (the sink has one table; a test needs no more)
        change.after().ifPresent(s -> state.replaceAll((k, r) -> {
            java.util.Set<String> gone = new java.util.HashSet<>(r.columns());
            gone.removeAll(s.columnNames());
            return gone.isEmpty() ? r : r.without(gone);
        }));
        buffer.add(change);
    }

    @Override
    public Set<SchemaChangeKind> supportedSchemaChanges() {
        return EnumSet.allOf(SchemaChangeKind.class);
    }

    @Override
    public void flush() {
        for (StreamEvent e : buffer) {
            if (e instanceof ChangeEvent c) {
                c.after().ifPresentOrElse(a -> state.put(c.key(), a), () -> state.remove(c.key()));
            }
        }
        durable.addAll(buffer);
        buffer.clear();
    }

    List<SchemaChangeEvent> schemaChanges() {
        return durable.stream().filter(e -> e instanceof SchemaChangeEvent).map(e -> (SchemaChangeEvent) e).toList();
    }

    List<ChangeEvent> rows() {
        return durable.stream().filter(e -> e instanceof ChangeEvent).map(e -> (ChangeEvent) e).toList();
    }

    @Override
    public void close() {
    }
}
