package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.spi.Sink;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory sink that keeps rows and schema changes in the order it received them; durable on flush. */
final class SchemaSink implements Sink {
    final List<StreamEvent> durable = new CopyOnWriteArrayList<>();
    private final List<StreamEvent> buffer = new ArrayList<>();
    private final Set<SchemaChangeKind> supported;
    /** While true, every write and schema change fails as an outage would. */
    volatile boolean down;

    SchemaSink(Set<SchemaChangeKind> supported) {
        this.supported = supported;
    }

    SchemaSink() {
        this(EnumSet.allOf(SchemaChangeKind.class));
    }

    @Override
    public void write(List<ChangeEvent> events) {
        if (down) {
            throw new dev.cdc.api.error.RetriableException("simulated outage");
        }
        buffer.addAll(events);
    }

    @Override
    public void applySchemaChange(SchemaChangeEvent change) {
        if (down) {
            throw new dev.cdc.api.error.RetriableException("simulated outage");
        }
        buffer.add(change);
    }

    @Override
    public Set<SchemaChangeKind> supportedSchemaChanges() {
        return supported;
    }

    @Override
    public void flush() {
        durable.addAll(buffer);
        buffer.clear();
    }

    List<ChangeEvent> rows() {
        return durable.stream().filter(e -> e instanceof ChangeEvent).map(e -> (ChangeEvent) e).toList();
    }

    List<SchemaChangeEvent> schemaChanges() {
        return durable.stream().filter(e -> e instanceof SchemaChangeEvent).map(e -> (SchemaChangeEvent) e).toList();
    }

    @Override
    public void close() {
    }
}
