package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Sink;
import dev.cdc.core.schema.SchemaGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * What a lane does with the schema changes in its stream: each goes through the sink's
 * {@link SchemaGate}, which applies it (through the lane's {@link Delivery}, so an outage waits),
 * ignores it, or stops the pipeline; rows a sink handled before a later migration of their table
 * are skipped when replayed. Used from the lane thread only.
 */
final class LaneSchemaChanges {

    private static final Logger LOG = LoggerFactory.getLogger(LaneSchemaChanges.class);
    /** How often a lane holding a schema change looks for the operator's decision. */
    private static final Duration HOLD_POLL = Duration.ofMillis(200);

    private final String sinkName;
    private final Sink sink;
    private final SchemaGate gate;
    private final Delivery delivery;
    private final Rejections rejections;
    private final LaneStats stats;
    private final Set<TableId> replayNoticed = new HashSet<>();

    LaneSchemaChanges(String sinkName, Sink sink, SchemaGate gate, Delivery delivery, Rejections rejections,
                      LaneStats stats) {
        this.sinkName = sinkName;
        this.sink = sink;
        this.gate = gate;
        this.delivery = delivery;
        this.rejections = rejections;
        this.stats = stats;
    }

    /**
     * A row replayed after a restart that the sink handled before it applied a later schema change
     * of the row's table: not written again (it has the older shape). Logged once per table and run.
     */
    void replayedBeforeMigration(ChangeEvent row) {
        stats.filtered();
        if (replayNoticed.add(row.table())) {
            LOG.info("sink '{}': skipping replayed rows of {} before {}: the sink handled them before it applied the "
                    + "schema change there (to send a sink everything again, remove {} from the state directory too)",
                    sinkName, row.table(), gate.acceptedFor(row).map(v -> v.position().toString()).orElse("?"),
                    SchemaGate.fileName(sinkName));
        }
    }

    /**
     * A schema change reached the lane: applied, ignored or stopping the pipeline, as the sink's gate
     * decides; under {@code schema-policy: manual} held (after {@code ackBefore} acknowledged what
     * precedes it) until approved or rejected, or until the pipeline stops.
     */
    void handle(LaneEntry entry, Runnable ackBefore, BooleanSupplier stopping) throws Exception {
        SchemaChangeEvent change = (SchemaChangeEvent) entry.event();
        SchemaGate.Decision decision = gate.decide(change, entry.schemaVersion(), entry.catchUp());
        if (decision instanceof SchemaGate.Decision.Hold hold) {
            ackBefore.run();
            decision = gate.awaitDecision(hold, sink::previewSchemaChange, stopping, HOLD_POLL);
        }
        String table = change.table().toString();
        if (decision instanceof SchemaGate.Decision.Apply apply) {
            if (applySchemaChange(apply.event())) {
                gate.accepted(apply, entry.schemaVersion());
                if (apply.migration()) {
                    stats.schemaChange(table, "applied");
                    LOG.info("sink '{}': applied the schema change of {} at {}: {}", sinkName, table,
                            change.position(), SchemaGate.describe(apply.event().changes(), apply.verdicts()));
                }
            }
        } else if (decision instanceof SchemaGate.Decision.Skip skip) {
            if (entry.catchUp()) {
                return; // the change itself was ignored (and counted) when it passed
            }
            stats.schemaChange(table, "ignored");
            LOG.info("sink '{}': ignored the schema change of {} at {} (schema-policy {}): {}; its rows keep the "
                    + "columns {}", sinkName, table, change.position(), gate.policy().tag(),
                    SchemaGate.describe(skip.changes(), skip.verdicts()), skip.event().before()
                            .map(b -> b.columnNames().toString()).orElse("?"));
        } else if (decision instanceof SchemaGate.Decision.Stop stop) {
            stats.schemaChange(table, "stopped");
            throw stop.error();
        }
    }

    /** Applies a schema change and flushes; false when the failure policy skipped it. */
    private boolean applySchemaChange(SchemaChangeEvent change) throws Exception {
        Delivery.Outcome outcome = delivery.run(() -> {
            sink.applySchemaChange(change);
            sink.flush();
        });
        if (outcome.succeeded()) {
            return true;
        }
        stats.failed();
        Exception e = outcome.failure().get();
        if (rejections.skipsSchemaChanges()) {
            stats.skipped();
            LOG.warn("sink '{}': skipped {}: {}", sinkName, SinkFailureException.describe(change), e.toString());
            return false;
        }
        throw new SinkFailureException(sinkName, change, outcome.attempts(), e);
    }

}
