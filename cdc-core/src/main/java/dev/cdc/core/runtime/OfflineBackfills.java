package dev.cdc.core.runtime;

import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.api.spi.Source;
import dev.cdc.core.backfill.BackfillRecord;
import dev.cdc.core.backfill.BackfillStore;
import dev.cdc.core.backfill.Backfills;
import dev.cdc.core.schema.SchemaTracker;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.SinkSpec;
import dev.cdc.schema.registry.SchemaRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Backfills of a pipeline that no launcher runs: checked like the running engine checks them
 * (sinks, detached sinks, whether the source can backfill: its factory is asked, nothing
 * connects) and queued in {@code <state>/backfills/}, where the next run picks them up. Also the
 * re-attach flow of a detached sink: delete its detached record and queue a backfill of every
 * captured table into that sink only.
 */
public final class OfflineBackfills {

    private OfflineBackfills() {
    }

    /**
     * Checks and queues a request.
     *
     * @throws Backfills.Refused     for an unknown or detached sink, or a source that cannot backfill
     * @throws IllegalStateException when the id exists
     * @throws IllegalArgumentException when the pipeline has no state directory
     */
    public static BackfillRecord queue(PipelineSpec spec, BackfillRequest request) throws Exception {
        BackfillStore store = store(spec);
        DetachedSinks detached = new DetachedSinks(spec.stateDirectory().orElseThrow());
        Backfills.check(spec.name(), sinkNames(spec), s -> detached.find(s).isPresent(), cannotBackfill(spec),
                request);
        return store.queue(request, Instant.now());
    }

    /**
     * The tables the pipeline's schema history knows (every table the stream carried a schema or a
     * row of), without the signal table.
     */
    public static List<TableId> capturedTables(PipelineSpec spec) {
        Path state = spec.stateDirectory().orElseThrow(() -> noState(spec));
        List<TableId> out = new ArrayList<>(SchemaRegistry.open(SchemaTracker.store(Optional.of(state))).tables());
        spec.engine().signalTable().ifPresent(out::remove);
        return out;
    }

    /**
     * Re-attaches a detached sink and queues a backfill of each table into it only (ids
     * {@code reattach-<sink>-<table>-<8 hex>}). The source must be able to backfill.
     *
     * @return the requests queued; empty when the sink was not detached (nothing is queued)
     * @throws Backfills.Refused when the source cannot backfill (the sink stays detached)
     */
    public static Optional<Reattach> reattach(PipelineSpec spec, String sink, List<TableId> tables) throws Exception {
        BackfillStore store = store(spec);
        Optional<String> cannot = cannotBackfill(spec);
        if (cannot.isPresent()) {
            throw new Backfills.Refused(cannot.get() + ", so sink '" + sink + "' cannot be re-attached by a backfill; "
                    + "re-attach it without --backfill and re-snapshot it", false);
        }
        Optional<DetachedSinks.Reattached> done = DetachedSinks.reattach(spec, sink);
        if (done.isEmpty()) {
            return Optional.empty();
        }
        List<BackfillRecord> queued = new ArrayList<>();
        for (TableId t : tables) {
            BackfillRequest r = new BackfillRequest("reattach-" + sink + "-" + BackfillStore.newId(t),
                    t, Optional.empty(), List.of(), Set.of(sink), Optional.empty());
            queued.add(store.queue(r, Instant.now()));
        }
        return Optional.of(new Reattach(done.get(), queued));
    }

    /** What {@link #reattach} did: the detached record it deleted, the backfills it queued. */
    public record Reattach(DetachedSinks.Reattached reattached, List<BackfillRecord> backfills) {
    }

    private static BackfillStore store(PipelineSpec spec) {
        return BackfillStore.of(spec).orElseThrow(() -> noState(spec));
    }

    private static IllegalArgumentException noState(PipelineSpec spec) {
        return new IllegalArgumentException("pipeline '" + spec.name() + "' has no state directory (its checkpoint "
                + "store is not 'file'), so a backfill can only be asked of it while it runs (metrics.port set)");
    }

    private static Set<String> sinkNames(PipelineSpec spec) {
        Set<String> names = new LinkedHashSet<>();
        spec.sinks().stream().map(SinkSpec::name).forEach(names::add);
        return names;
    }

    /** Asks the source's factory-made instance (not opened) whether it can backfill. */
    private static Optional<String> cannotBackfill(PipelineSpec spec) throws Exception {
        PluginContexts contexts = new PluginContexts(spec.name(), new SimpleMeterRegistry(), Clock.systemUTC(),
                spec.stateDirectory());
        try (Source source = spec.source().create(contexts.of(spec.source()))) {
            return source.canBackfill() ? Optional.empty()
                    : Optional.of(Backfills.cannotBackfill(spec.name(), spec.source().type()));
        }
    }
}
