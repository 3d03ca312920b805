package dev.cdc.testkit.sink;

import dev.cdc.api.error.NotSupportedException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.spi.Sink;
import dev.cdc.testkit.sink.MemorySinkFactory.Defect;
import dev.cdc.testkit.sink.MemorySinkFactory.Mode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A sink that buffers writes and applies them to a {@link MemoryTarget} on flush. Undeclared
 * features fail with {@link NotSupportedException}; a {@link Defect} makes it deliberately wrong.
 */
final class MemorySink implements Sink {

    private final MemoryTarget target;
    private final Mode mode;
    private final Set<SinkCapability> features;
    private final Defect defect;
    private final List<ChangeEvent> buffer = new ArrayList<>();
    private boolean closed;

    MemorySink(MemoryTarget target, Mode mode, Set<SinkCapability> features, Defect defect) {
        this.target = target;
        this.mode = mode;
        this.features = features;
        this.defect = defect;
    }

    @Override
    public void write(List<ChangeEvent> events) {
        for (ChangeEvent e : events) {
            ChangeEvent accepted = accept(e);
            if (accepted != null) {
                buffer.add(accepted);
            }
        }
    }

    private ChangeEvent accept(ChangeEvent e) {
        if (e.key().size() > 1 && !features.contains(SinkCapability.COMPOSITE_KEYS)) {
            if (defect == Defect.DROPS_COMPOSITE_KEYS) {
                return null;
            }
            throw unsupported("keys of several columns (" + e.table() + " " + e.key() + ")");
        }
        if (e.isDelete() && !features.contains(SinkCapability.DELETES)) {
            throw unsupported("delete events");
        }
        if (e.operation() == Operation.TRUNCATE && !features.contains(SinkCapability.TRUNCATE)) {
            throw unsupported("truncate events");
        }
        if (e.after().map(a -> a.hasUnchanged()).orElse(false) && !features.contains(SinkCapability.UNCHANGED_COLUMNS)) {
            if (defect != Defect.WRITES_UNCHANGED_TEXT) {
                throw unsupported("unchanged columns (" + e.table() + " " + e.key() + ")");
            }
            return e.withRows(e.before(), e.after().map(a -> a.map((c, v) -> v == Unchanged.VALUE ? v.toString() : v)));
        }
        return e;
    }

    private NotSupportedException unsupported(String what) {
        return new NotSupportedException("sink", "memory", what);
    }

    @Override
    public void flush() {
        if (defect != Defect.ACKS_BEFORE_DURABLE) {
            persist();
        }
    }

    private void persist() {
        boolean guard = features.contains(SinkCapability.ORDER_GUARD) && defect != Defect.NO_ORDER_GUARD;
        for (ChangeEvent e : buffer) {
            if (mode == Mode.LOG) {
                target.append(e);
            } else {
                target.upsert(e, guard, defect != Defect.IGNORES_DELETES);
            }
        }
        buffer.clear();
    }

    @Override
    public void applySchemaChange(SchemaChangeEvent change) {
        // rows carry their own columns; nothing to migrate in memory
    }

    @Override
    public Set<SchemaChangeKind> supportedSchemaChanges() {
        return features.contains(SinkCapability.SCHEMA_CHANGES)
                ? Set.of(SchemaChangeKind.CREATE_TABLE, SchemaChangeKind.ADD_COLUMN) : Set.of();
    }

    @Override
    public void close() {
        if (closed) {
            if (defect == Defect.CLOSE_TWICE_FAILS) {
                throw new IllegalStateException("already closed");
            }
            return;
        }
        closed = true;
        if (defect == Defect.ACKS_BEFORE_DURABLE) {
            persist();
        }
        buffer.clear();
    }
}
