package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.Filter;
import dev.cdc.api.spi.Transformer;

import java.util.List;
import java.util.Optional;

/**
 * Filters, then transforms, in order: pipeline-wide on the source thread, and a sink's own in its
 * lane. Row changes and schema changes go through the same plugins, so schemas match the rows.
 */
final class TransformChain {

    private final List<Filter> filters;
    private final List<Transformer> transforms;

    TransformChain(List<Filter> filters, List<Transformer> transforms) {
        this.filters = List.copyOf(filters);
        this.transforms = List.copyOf(transforms);
    }

    /** The event as the chain leaves it, or empty when a filter or transform dropped it. */
    Optional<? extends StreamEvent> apply(StreamEvent event) {
        if (event instanceof ChangeEvent c) {
            Optional<ChangeEvent> current = Optional.of(c);
            for (Filter f : filters) {
                if (!f.test(c)) {
                    return Optional.empty();
                }
            }
            for (Transformer t : transforms) {
                current = t.apply(current.get());
                if (current.isEmpty()) {
                    return current;
                }
            }
            return current;
        }
        SchemaChangeEvent s = (SchemaChangeEvent) event;
        Optional<SchemaChangeEvent> current = Optional.of(s);
        for (Filter f : filters) {
            if (!f.testSchemaChange(s)) {
                return Optional.empty();
            }
        }
        for (Transformer t : transforms) {
            current = t.applySchemaChange(current.get());
            if (current.isEmpty()) {
                return current;
            }
        }
        return current;
    }
}
