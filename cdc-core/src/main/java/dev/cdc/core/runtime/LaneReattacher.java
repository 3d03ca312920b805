package dev.cdc.core.runtime;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.core.backfill.BackfillStore;
import dev.cdc.core.backfill.Backfills;
import dev.cdc.core.schema.SchemaTracker;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.PipelineStatus;
import dev.cdc.core.spec.Reattachment;
import dev.cdc.core.spec.SinkSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Brings a detached sink back while its pipeline runs: opens it when an earlier run detached it,
 * switches its lane back on ({@link SinkLane#reattach}), deletes its detached record, starts a new
 * worker and queues one-sink backfills of the tables named. {@link PipelineRunner#reattach} calls
 * it while the pipeline is RUNNING, one call at a time.
 */
final class LaneReattacher {

    private final PipelineSpec spec;
    private final List<SinkLane> lanes;
    private final LaneWiring wiring;
    private final Backfills backfills;
    private final PipelineHooks hooks;
    private final SchemaTracker schemas;
    private final Consumer<SinkLane> startWorker;
    /** Sinks not opened at start (an earlier run detached them): opened when re-attached. */
    private final Set<String> unopened = ConcurrentHashMap.newKeySet();

    LaneReattacher(PipelineSpec spec, List<SinkLane> lanes, LaneWiring wiring, Backfills backfills,
                   PipelineHooks hooks, SchemaTracker schemas, Consumer<SinkLane> startWorker) {
        this.spec = spec;
        this.lanes = lanes;
        this.wiring = wiring;
        this.backfills = backfills;
        this.hooks = hooks;
        this.schemas = schemas;
        this.startWorker = startWorker;
    }

    /** The tables the pipeline's schema history knows (every table the stream carried), without the signal table. */
    List<TableId> capturedTables() {
        List<TableId> out = new ArrayList<>(schemas.registry().tables());
        spec.engine().signalTable().ifPresent(out::remove);
        return out;
    }

    /** The sink was detached by an earlier run, so the run did not open it. */
    void notOpened(String sink) {
        unopened.add(sink);
    }

    /**
     * Re-attaches a detached sink while the pipeline runs: its lane queues and delivers every batch
     * the ingest stage hands over from now on (what it skipped while detached stays acknowledged: the
     * checkpoint had moved on without it), its detached record is deleted, and, when {@code tables}
     * is not empty, a backfill of each table into that sink only is queued to fill what it missed.
     *
     * @param tables the tables to backfill; empty for none
     * @return what it did
     * @throws NoSuchElementException   for an unknown sink
     * @throws Reattachment.NotDetached when the sink is not detached
     * @throws IllegalStateException    when it still ends its old delivery
     * @throws Backfills.Refused        when tables are named and the source cannot backfill (it stays detached)
     * @throws CdcException             when a sink an earlier run detached cannot be opened (it stays detached)
     */
    Reattachment reattach(String sink, List<TableId> tables) {
        SinkLane lane = lanes.stream().filter(l -> l.name().equals(sink)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("pipeline '" + spec.name() + "' has no sink '" + sink
                        + "' (its sinks: " + String.join(", ", spec.sinks().stream().map(SinkSpec::name).toList())
                        + ")"));
        if (lane.detached().isEmpty()) {
            throw new Reattachment.NotDetached(sink);
        }
        if (!tables.isEmpty() && backfills.whyCannotBackfill().isPresent()) {
            throw new Backfills.Refused(backfills.whyCannotBackfill().get() + ", so sink '" + sink + "' cannot be "
                    + "re-attached by a backfill; re-attach it without --backfill and re-snapshot it", false);
        }
        SinkSpec sinkSpec = spec.sinks().stream().filter(s -> s.name().equals(sink)).findFirst().orElseThrow();
        if (unopened.contains(sink)) {
            try {
                lane.sink().open();
                if (lane.deadLetterSink().isPresent()) {
                    lane.deadLetterSink().get().open();
                }
            } catch (Exception e) {
                throw new CdcException("sink '" + sink + "' could not be opened, so it stays detached: " + e, e);
            }
            unopened.remove(sink);
        }
        PipelineStatus.Detached was = lane.reattach(wiring.backlog(sinkSpec));
        Optional<Position> from = Optional.ofNullable(lane.ackedPosition());
        hooks.laneReattached(lane, was, from);
        startWorker.accept(lane);
        List<Reattachment.Backfill> queued = new ArrayList<>();
        for (TableId t : tables) {
            BackfillRequest r = new BackfillRequest("reattach-" + sink + "-" + BackfillStore.newId(t), t,
                    Optional.empty(), List.of(), Set.of(sink), Optional.empty());
            queued.add(new Reattachment.Backfill(backfills.request(r).id(), t));
        }
        return new Reattachment(sink, was, from, queued);
    }
}
