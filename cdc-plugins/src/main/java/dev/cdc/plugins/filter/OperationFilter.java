package dev.cdc.plugins.filter;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.spi.Filter;

import java.util.EnumSet;
import java.util.Set;

/** Keeps row changes whose operation is kept; schema changes always pass. Immutable and thread-safe. */
public final class OperationFilter implements Filter {

    private final Set<Operation> kept;

    /** Keeps the operations in {@code include} that are not in {@code exclude}. */
    public OperationFilter(Set<Operation> include, Set<Operation> exclude) {
        EnumSet<Operation> ops = include.isEmpty() ? EnumSet.noneOf(Operation.class) : EnumSet.copyOf(include);
        ops.removeAll(exclude);
        this.kept = Set.copyOf(ops);
    }

    /** The operations that pass. */
    public Set<Operation> kept() {
        return kept;
    }

    @Override
    public boolean test(ChangeEvent event) {
        return kept.contains(event.operation());
    }

    @Override
    public boolean testSchemaChange(SchemaChangeEvent change) {
        return true;
    }

    @Override
    public String toString() {
        return "operation filter (keeps " + EnumSet.copyOf(kept) + ")";
    }
}
