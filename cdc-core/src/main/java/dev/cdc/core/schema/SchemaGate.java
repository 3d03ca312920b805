package dev.cdc.core.schema;

import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.error.SchemaEvolutionException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.schema.compatibility.Compatibility;
import dev.cdc.schema.compatibility.PolicyDecision;
import dev.cdc.schema.compatibility.SchemaPolicy;
import dev.cdc.schema.diff.SchemaDiff;
import dev.cdc.schema.registry.SchemaStore;
import dev.cdc.schema.registry.SchemaVersion;
import dev.cdc.schema.store.FileSchemaStore;
import dev.cdc.schema.store.MemorySchemaStore;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One sink's view of schema changes: the schema of each table the sink has accepted (applied, or
 * kept under {@code ignore}), persisted beside the checkpoint so that it survives a restart, and
 * the decision for each schema change that reaches the sink's lane (after the pipeline's and the
 * sink's own filters and transforms).
 *
 * <p>A change is judged against what the sink accepted, not against the source's previous
 * version: a sink under {@code ignore} that kept version 1 judges version 3 against version 1.
 * <ul>
 *   <li>A table the sink has not seen: its schema is applied (a first version is not an evolution).</li>
 *   <li>A change at a position before the one the sink accepted (a replay after a restart): nothing.</li>
 *   <li>The same schema again (a source announcing its tables after a restart): the sink is told
 *   again, with no changes.</li>
 *   <li>Otherwise the diff, its {@link Compatibility} verdicts and the sink's {@link SchemaPolicy}
 *   decide: {@link Decision.Apply}, {@link Decision.Skip}, {@link Decision.Stop} or, under
 *   {@code manual}, {@link Decision.Hold}: the lane waits at the change ({@link #awaitDecision})
 *   until {@code cdc schema approve} (then it is applied) or {@code reject} (then skipped as under
 *   {@code ignore}) records a decision in the {@link HeldChanges} of the sink. A migration
 *   with a change the sink does not declare in {@code supportedSchemaChanges()} stops too (only a
 *   table's creation is always applied).</li>
 * </ul>
 * Called from the lane thread only.
 */
public final class SchemaGate {

    /** What the lane does with one schema change. */
    public sealed interface Decision {
        /** Call {@code sink.applySchemaChange(event)}, then {@link #accepted(Apply)}. */
        record Apply(SchemaChangeEvent event, boolean migration, List<Compatibility> verdicts) implements Decision {
        }

        /** Do not migrate the sink; its rows of the table keep the accepted columns. */
        record Skip(SchemaChangeEvent event, List<SchemaChange> changes, List<Compatibility> verdicts)
                implements Decision {
        }

        /** Stop the pipeline before the change. */
        record Stop(SchemaEvolutionException error) implements Decision {
        }

        /** Nothing to do (a replay of a change older than what the sink accepted). */
        record Nothing() implements Decision {
        }

        /**
         * Wait for an operator's decision ({@code schema-policy: manual}) with everything before the
         * change acknowledged and nothing after it written: {@link #awaitDecision}.
         *
         * @param version the source's schema version after the change, which names it to the operator
         */
        record Hold(SchemaChangeEvent event, List<SchemaChange> changes, List<Compatibility> verdicts, int version)
                implements Decision {
        }
    }

    /** The pipeline stops while the lane waits at a held change: the lane ends without acknowledging it. */
    public static final class HeldAtStop extends CdcException {
        HeldAtStop(String message) {
            super(message);
        }
    }

    private final String sink;
    private final String sinkType;
    private final SchemaPolicy policy;
    private final Set<SchemaChangeKind> supported;
    private final SchemaStore store;
    private final Clock clock;
    private final Map<TableId, SchemaVersion> accepted = new TreeMap<>();
    /** Column names of each accepted table, for projecting rows under {@code ignore}. */
    private final Map<TableId, Set<String>> acceptedColumns = new TreeMap<>();
    private final Optional<ManualApproval> approval;
    /** The approved hold whose application the lane is about to record. */
    private Decision.Hold approved;

    private SchemaGate(String sink, String sinkType, SchemaPolicy policy, Set<SchemaChangeKind> supported,
                       SchemaStore store, Clock clock, Optional<HeldChanges> holds) {
        this.approval = holds.map(h -> new ManualApproval(sink, h, clock));
        this.sink = sink;
        this.sinkType = sinkType;
        this.policy = policy;
        this.supported = supported.isEmpty() ? EnumSet.noneOf(SchemaChangeKind.class) : EnumSet.copyOf(supported);
        this.store = store;
        this.clock = clock;
    }

    /**
     * A gate whose accepted schemas live in {@code schema-sink-<sink>.json} in the state
     * directory (memory when there is none), and under {@code manual} its held changes in
     * {@code schema-pending/<sink>/} there.
     *
     * @throws ConfigurationException under {@code manual} without a state directory
     */
    public static SchemaGate open(String sink, String sinkType, SchemaPolicy policy, Set<SchemaChangeKind> supported,
                                  Optional<Path> stateDirectory, Clock clock) {
        if (policy == SchemaPolicy.MANUAL && stateDirectory.isEmpty()) {
            throw new ConfigurationException(List.of(ConfigProblem.of("sinks." + sink + ".schema-policy",
                    "is 'manual' but the pipeline has no state directory to keep the held changes and the decisions "
                            + "in; use checkpoint: {type: file, path: ...}")));
        }
        SchemaStore store = stateDirectory.<SchemaStore>map(d -> new FileSchemaStore(d, fileName(sink)))
                .orElseGet(MemorySchemaStore::new);
        Optional<HeldChanges> holds = stateDirectory.map(d -> HeldChanges.in(d, sink));
        if (policy != SchemaPolicy.MANUAL) {
            holds.ifPresent(h -> ManualApproval.warnIfLeftOver(h, policy));
        }
        return open(sink, sinkType, policy, supported, store, clock, holds);
    }

    /** A gate over the given store of accepted schemas (one version per table), that cannot wait at a held change. */
    public static SchemaGate open(String sink, String sinkType, SchemaPolicy policy, Set<SchemaChangeKind> supported,
                                  SchemaStore store, Clock clock) {
        return open(sink, sinkType, policy, supported, store, clock, Optional.empty());
    }

    /** A gate over the given store of accepted schemas and, when given, the sink's held changes. */
    public static SchemaGate open(String sink, String sinkType, SchemaPolicy policy, Set<SchemaChangeKind> supported,
                                  SchemaStore store, Clock clock, Optional<HeldChanges> holds) {
        SchemaGate gate = new SchemaGate(Objects.requireNonNull(sink, "sink"), sinkType,
                Objects.requireNonNull(policy, "policy"), supported, store, clock, holds);
        try {
            for (SchemaVersion v : store.load()) {
                gate.remember(v);
            }
        } catch (IOException e) {
            throw new CdcException("cannot read the schemas sink '" + sink + "' accepted from " + store + ": "
                    + e.getMessage() + "; fix or remove the file (the sink is then told every table's schema again)",
                    e);
        }
        return gate;
    }

    /** The file in the state directory where a sink's accepted schemas are kept. */
    public static String fileName(String sink) {
        return "schema-sink-" + sink + ".json";
    }

    public SchemaPolicy policy() {
        return policy;
    }

    /** The schema the sink accepted for each table. */
    public Map<TableId, SchemaVersion> accepted() {
        return Map.copyOf(accepted);
    }

    /**
     * The decision for a schema change that reached this sink.
     *
     * @param sourceVersion the registry's version of the source table after the change, when known
     */
    public Decision decide(SchemaChangeEvent event, Optional<SchemaVersion> sourceVersion) {
        return decide(event, sourceVersion, false);
    }

    /**
     * The decision for a schema change that reached this sink.
     *
     * @param sourceVersion the registry's version of the source table after the change, when known
     * @param catchUp       true when the engine made the change up from the history, before the first
     *                      row of a table whose schema the stream has not announced in this run (or
     *                      whose version changed without an announcement): the same schema again
     *                      is then nothing rather than told again
     */
    public Decision decide(SchemaChangeEvent event, Optional<SchemaVersion> sourceVersion, boolean catchUp) {
        SchemaVersion have = accepted.get(event.table());
        if (have == null) {
            if (event.after().isEmpty()) {
                return new Decision.Nothing();
            }
            TableSchema after = event.after().get();
            List<SchemaChange> create = List.of(new SchemaChange.CreateTable(after));
            return new Decision.Apply(event.withChanges(Optional.empty(), create), false, List.of(Compatibility.FULL));
        }
        if (event.position().compareTo(have.position()) < 0) {
            return new Decision.Nothing();
        }
        List<SchemaChange> changes;
        if (event.after().isEmpty()) {
            changes = event.changes().isEmpty() ? List.of(new SchemaChange.DropTable(event.table())) : event.changes();
        } else {
            changes = SchemaDiff.betweenReported(have.schema(), event.after().get(),
                    SchemaTracker.renames(event.changes()));
        }
        if (changes.isEmpty()) {
            if (catchUp) {
                return new Decision.Nothing();
            }
            return new Decision.Apply(event.withChanges(Optional.of(have.schema()), List.of()), false, List.of());
        }
        List<Compatibility> verdicts = Compatibility.of(changes, Optional.of(have.schema()));
        PolicyDecision decision = policy.decide(changes, verdicts);
        SchemaChangeEvent migration = event.withChanges(Optional.of(have.schema()), changes);
        return switch (decision) {
            case APPLY -> apply(migration, changes, verdicts);
            case SKIP -> new Decision.Skip(migration, changes, verdicts);
            case STOP -> new Decision.Stop(stopped(migration, changes, verdicts));
            case HOLD -> new Decision.Hold(migration, changes, verdicts,
                    sourceVersion.map(SchemaVersion::version).orElse(have.version() + 1));
        };
    }

    private Decision apply(SchemaChangeEvent migration, List<SchemaChange> changes, List<Compatibility> verdicts) {
        Set<SchemaChangeKind> missing = changes.stream().map(SchemaChange::kind)
                .filter(k -> !supported.contains(k) && k != SchemaChangeKind.CREATE_TABLE)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        return missing.isEmpty() ? new Decision.Apply(migration, true, verdicts)
                : new Decision.Stop(unsupported(migration, changes, verdicts, missing));
    }

    /**
     * Waits at a held change until the operator decides, the lane having acknowledged everything
     * before it: records the change in the sink's {@link HeldChanges} (with the statements
     * {@code preview} says the sink would run), reports it in {@link #held()}, and polls for the
     * decision. Returns at once when the decision was recorded before (a replay after a restart, an
     * approval given while the pipeline was stopped).
     *
     * @param preview the sink's {@code previewSchemaChange}
     * @param stop    asked at each poll: true when the pipeline stops
     * @return {@link Decision.Apply} (or {@link Decision.Stop} when the sink cannot apply it) once
     * approved; {@link Decision.Skip} once rejected
     * @throws HeldAtStop when the pipeline stops first (the change stays held)
     */
    public Decision awaitDecision(Decision.Hold hold, Function<SchemaChangeEvent, List<String>> preview,
                                  BooleanSupplier stop, Duration poll) throws InterruptedException {
        ManualApproval desk = approval.orElseThrow(() -> new IllegalStateException(this + " keeps no held changes"));
        HeldChanges.Verdict verdict = desk.await(hold, describe(hold.changes(), hold.verdicts()), preview, stop, poll);
        if (verdict == HeldChanges.Verdict.REJECTED) {
            return new Decision.Skip(hold.event(), hold.changes(), hold.verdicts());
        }
        Decision d = apply(hold.event(), hold.changes(), hold.verdicts());
        approved = d instanceof Decision.Apply ? hold : null;
        return d;
    }

    /** The held change the lane waits at (none or one), for status. Any thread. */
    public List<HeldChanges.Held> held() {
        return approval.map(ManualApproval::held).orElse(List.of());
    }

    /** Records that the sink applied the change (saved before this returns). */
    public void accepted(Decision.Apply applied, Optional<SchemaVersion> sourceVersion) {
        record(applied, sourceVersion);
        if (approved != null && approved.event() == applied.event()) {
            // only now: a crash before this applies the approved change again at the next start (idempotent)
            approval.orElseThrow().applied(approved);
            approved = null;
        }
    }

    private void record(Decision.Apply applied, Optional<SchemaVersion> sourceVersion) {
        SchemaChangeEvent e = applied.event();
        if (e.after().isEmpty()) {
            if (accepted.remove(e.table()) != null) {
                acceptedColumns.remove(e.table());
                save();
            }
            return;
        }
        SchemaVersion have = accepted.get(e.table());
        if (!applied.migration() && have != null && have.schema().equals(e.after().get())) {
            return; // told again, nothing new to remember
        }
        int number = sourceVersion.map(SchemaVersion::version).orElse(have == null ? 1 : have.version() + 1);
        TableSchema schema = e.after().get();
        remember(new SchemaVersion(e.table(), number, schema.fingerprint(), schema, e.position(), clock.instant(),
                e.changes()));
        save();
    }

    /**
     * True when the sink has already handled the row: it lies before the position of a schema
     * change the sink applied to its table (not the table's first sight), and the lane handles
     * every event before a schema change durably before it applies the change. A replay after a
     * restart whose checkpoint lagged behind this sink (another sink held it back) would otherwise
     * write rows of an older shape into a target that has already migrated.
     */
    public boolean handledBefore(ChangeEvent event) {
        SchemaVersion have = accepted.get(event.table());
        return have != null && event.position().compareTo(have.position()) < 0 && !firstSight(have);
    }

    /** The accepted position of the event's table, for log messages. */
    public Optional<SchemaVersion> acceptedFor(ChangeEvent event) {
        return Optional.ofNullable(accepted.get(event.table()));
    }

    private static boolean firstSight(SchemaVersion v) {
        return v.changes().size() == 1 && v.changes().get(0) instanceof SchemaChange.CreateTable;
    }

    /**
     * Under {@code ignore}, and {@code manual} (after a rejected change): the event with only the
     * columns the sink accepted for its table (the key is kept whole). Other policies, tables never
     * accepted and rows with no unknown column: the event itself.
     */
    public ChangeEvent project(ChangeEvent event) {
        if (policy != SchemaPolicy.IGNORE && policy != SchemaPolicy.MANUAL) {
            return event;
        }
        Set<String> columns = acceptedColumns.get(event.table());
        if (columns == null || (fits(event.before(), columns) && fits(event.after(), columns))) {
            return event;
        }
        return event.withRows(event.before().map(r -> keep(r, columns)), event.after().map(r -> keep(r, columns)));
    }

    private static boolean fits(Optional<Row> row, Set<String> columns) {
        return row.isEmpty() || columns.containsAll(row.get().columns());
    }

    private static Row keep(Row row, Set<String> columns) {
        Set<String> unknown = new HashSet<>(row.columns());
        unknown.removeAll(columns);
        return unknown.isEmpty() ? row : row.without(unknown);
    }

    private void remember(SchemaVersion v) {
        accepted.put(v.table(), v);
        acceptedColumns.put(v.table(), Set.copyOf(v.schema().columnNames()));
    }

    private void save() {
        try {
            store.save(new ArrayList<>(accepted.values()));
        } catch (IOException e) {
            throw new CdcException("cannot save the schemas sink '" + sink + "' accepted to " + store + ": "
                    + e.getMessage() + "; check the disk space and permissions of the state directory", e);
        }
    }

    private SchemaEvolutionException stopped(SchemaChangeEvent change, List<SchemaChange> changes,
                                             List<Compatibility> verdicts) {
        String how = policy == SchemaPolicy.FAIL
                ? "schema-policy 'fail' stops at every schema change"
                : "schema-policy '" + policy.tag() + "' stops at a breaking change";
        return new SchemaEvolutionException("sink '" + sink + "' stopped the pipeline at a schema change of "
                + change.table() + " at position " + change.position() + ": " + describe(changes, verdicts)
                + "; " + how + ". The checkpoint stays just before the change, and a restart stops here again."
                + " To go on: make the data downstream ready for the new schema and set schema-policy: evolve on"
                + " sink '" + sink + "' (the change is then applied to it), or set schema-policy: ignore (the sink"
                + " keeps its schema and rows lose the columns it does not know); then restart", change);
    }

    private SchemaEvolutionException unsupported(SchemaChangeEvent change, List<SchemaChange> changes,
                                                 List<Compatibility> verdicts, Set<SchemaChangeKind> missing) {
        return new SchemaEvolutionException("sink '" + sink + "' (type " + sinkType + ") cannot apply "
                + missing.stream().map(SchemaChangeKind::tag).toList() + ", part of the schema change of "
                + change.table() + " at position " + change.position() + ": " + describe(changes, verdicts)
                + "; its schema-policy is '" + policy.tag() + "' and the sink supports only "
                + supported.stream().map(SchemaChangeKind::tag).toList() + ". The checkpoint stays just before the"
                + " change. To go on: change the target yourself and set schema-policy: ignore on sink '" + sink
                + "' (rows lose the columns the sink does not know), then restart", change);
    }

    /** {@code alter column qty type int32 -> string (BREAKING), add column note string (FULL)}. */
    public static String describe(List<SchemaChange> changes, List<Compatibility> verdicts) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            parts.add(changes.get(i).describe() + (i < verdicts.size() ? " (" + verdicts.get(i) + ")" : ""));
        }
        return String.join(", ", parts);
    }

    @Override
    public String toString() {
        return "schema gate of sink '" + sink + "' (" + policy.tag() + ")";
    }
}
