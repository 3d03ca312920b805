package dev.cdc.launcher;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.NotSupportedException;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.Filter;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.Transformer;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.PluginSpec;
import dev.cdc.core.spec.SinkSpec;
import dev.cdc.core.schema.HeldChanges;
import dev.cdc.core.schema.SchemaGate;
import dev.cdc.schema.registry.SchemaVersion;
import dev.cdc.schema.store.FileSchemaStore;
import dev.cdc.schema.store.MemorySchemaStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code cdc schema plan FILE [TABLE]}: for each sink, each version of each table's schema, whether
 * the sink already handled it (recorded) or has it still to come (pending: the pipeline stopped before
 * it, or has not reached it), what the sink's schema policy decides for a pending one, and the
 * statements the sink applies for each (SQL for a database, mapping requests for Elasticsearch),
 * without running them. The decisions are the engine's own ({@link SchemaGate}, over a copy of what
 * the sink accepted); the statements come from {@link Sink#previewSchemaChange}. Connects to nothing.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Prints, for each sink, the schema changes of each table it has applied (recorded) and those"
                + " still to come (pending), with the verdict and the sink's schema-policy decision for each pending"
                + " one, and the statements the sink runs for each (SQL text, Elasticsearch mapping requests).",
            "Reads the pipeline's state directory and builds the sinks without opening them: connects to nothing,"
                + " runs nothing, so it may run beside the running pipeline."})
final class SchemaPlanCommand implements Callable<Integer> {

    private static final String COMMAND = "cdc schema plan";

    @ParentCommand
    private SchemaCommand parent;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The pipeline's YAML file.")
    private Path file;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TABLE",
            description = "Only this table, as namespace.name (as the source names it).")
    private String table;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SchemaCommand.Opened opened;
        try {
            opened = SchemaCommand.open(file, err, parent.cdc(), COMMAND);
        } catch (SchemaCommand.Failed f) {
            return f.exitCode;
        }
        PipelineSpec p = opened.pipeline();
        Optional<List<TableId>> tables = SchemaCommand.tables(opened.registry(), table, p, err, COMMAND);
        if (tables.isEmpty()) {
            return ExitCodes.INVALID;
        }
        out.println("schema plan of pipeline '" + p.name() + "' (" + opened.store().file() + "): " + tables.get().size()
                + (tables.get().size() == 1 ? " table, " : " tables, ") + p.sinks().size()
                + (p.sinks().size() == 1 ? " sink" : " sinks"));
        List<Filter> filters = create(p.filters(), p.name());
        List<Transformer> transforms = create(p.transforms(), p.name());
        try {
            for (SinkSpec s : p.sinks()) {
                plan(out, p, s, opened, tables.get(), filters, transforms);
            }
        } finally {
            closeAll(filters);
            closeAll(transforms);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private void plan(PrintWriter out, PipelineSpec p, SinkSpec s, SchemaCommand.Opened opened, List<TableId> tables,
                      List<Filter> filters, List<Transformer> transforms) throws Exception {
        out.println();
        String policy = s.effectiveSchemaPolicy().tag() + (s.schemaPolicy().isEmpty() ? ", the default" : "");
        out.println("sink '" + s.name() + "' (" + s.sink().type() + ", schema-policy " + policy + "):");
        List<Filter> laneFilters = create(s.filters(), p.name());
        List<Transformer> laneTransforms = create(s.transforms(), p.name());
        Sink sink = s.sink().create(PluginContext.of(s.sink().options(), p.name(), s.name()));
        try {
            SchemaGate gate = SchemaGate.open(s.name(), s.sink().type(), s.effectiveSchemaPolicy(),
                    sink.supportedSchemaChanges(), accepted(opened.directory(), s.name()), Clock.systemUTC());
            Map<TableId, SchemaVersion> recorded = gate.accepted();
            Preview preview = new Preview(out, sink, s.sink().type());
            HeldChanges held = HeldChanges.in(opened.directory(), s.name());
            for (TableId t : tables) {
                List<SchemaVersion> history = opened.registry().history(t);
                for (int i = 0; i < history.size(); i++) {
                    SchemaVersion v = history.get(i);
                    Optional<TableSchema> before = i == 0 ? Optional.empty() : Optional.of(history.get(i - 1).schema());
                    Optional<SchemaChangeEvent> seen = through(event(v, before), filters, transforms, laneFilters,
                            laneTransforms);
                    String head = "  " + t + " v" + v.version() + " at " + v.position();
                    if (seen.isEmpty()) {
                        out.println(head + ": not for this sink (its filters leave the table out)");
                        continue;
                    }
                    SchemaVersion have = recorded.get(seen.get().table());
                    if (have != null && v.position().compareTo(have.position()) <= 0) {
                        out.println(head + ": recorded (the sink has it" + (have.version() == v.version()
                                ? ", its current version" : "") + "): " + describe(seen.get().changes()));
                        preview.print(seen.get());
                    } else {
                        pending(out, head, gate, seen.get(), v, preview, held);
                    }
                }
            }
        } finally {
            sink.close();
            closeAll(laneFilters);
            closeAll(laneTransforms);
        }
    }

    private static void pending(PrintWriter out, String head, SchemaGate gate, SchemaChangeEvent event,
                                SchemaVersion v, Preview preview, HeldChanges held) {
        SchemaGate.Decision d = gate.decide(event, Optional.of(v));
        if (d instanceof SchemaGate.Decision.Hold hold) {
            held(out, head, gate, hold, v, preview, held);
            return;
        }
        if (d instanceof SchemaGate.Decision.Apply apply) {
            SchemaChangeEvent migration = apply.event();
            out.println(head + ": PENDING, will be applied: " + (apply.migration()
                    ? SchemaGate.describe(migration.changes(), apply.verdicts()) : describe(migration.changes())));
            preview.print(migration);
            gate.accepted(apply, Optional.of(v)); // in memory: the next version is judged against this one
        } else if (d instanceof SchemaGate.Decision.Skip skip) {
            out.println(head + ": PENDING, not applied (schema-policy ignore: the sink keeps its schema): "
                    + SchemaGate.describe(skip.changes(), skip.verdicts()));
        } else if (d instanceof SchemaGate.Decision.Stop stop) {
            out.println(head + ": PENDING, stops the pipeline: " + stop.error().getMessage());
            if (stop.error().change() != null) {
                out.println("    under schema-policy evolve the sink would run:");
                preview.print(stop.error().change());
            }
        } else {
            out.println(head + ": nothing to do (older than what the sink has)");
        }
    }

    /** A change schema-policy manual holds: held now (and decided or not), or to be held when the lane reaches it. */
    private static void held(PrintWriter out, String head, SchemaGate gate, SchemaGate.Decision.Hold hold,
                             SchemaVersion v, Preview preview, HeldChanges files) {
        String changes = SchemaGate.describe(hold.changes(), hold.verdicts());
        Optional<HeldChanges.Held> now = files.held().stream()
                .filter(h -> h.table().equals(hold.event().table()) && h.version() == hold.version()).findFirst();
        Optional<HeldChanges.Verdict> verdict = files.verdict(hold.event().table(), hold.version());
        if (verdict.equals(Optional.of(HeldChanges.Verdict.REJECTED))) {
            out.println(head + ": PENDING, REJECTED (the sink keeps its schema, as under ignore): " + changes);
            return;
        }
        if (verdict.isPresent()) {
            out.println(head + ": PENDING, HELD and APPROVED (applied when the lane goes on): " + changes);
        } else if (now.isPresent()) {
            out.println(head + ": PENDING, HELD since " + now.get().heldAt() + " (schema-policy manual; the sink's lane "
                    + "waits there): " + changes);
            out.println("    approve: " + now.get().approveCommand() + "    reject: " + now.get().rejectCommand());
        } else {
            out.println(head + ": PENDING, will be held for approval (schema-policy manual): " + changes);
        }
        preview.print(hold.event());
        // judged as approved from here on, so that what the next versions would run is shown too
        gate.accepted(new SchemaGate.Decision.Apply(hold.event(), true, hold.verdicts()), Optional.of(v));
    }

    /** Prints a sink's statements for a change, or why it cannot say. */
    private record Preview(PrintWriter out, Sink sink, String type) {
        void print(SchemaChangeEvent change) {
            try {
                List<String> statements = sink.previewSchemaChange(change);
                if (statements.isEmpty()) {
                    out.println("      (nothing to run in the target)");
                }
                statements.forEach(sql -> out.println("      " + sql));
            } catch (NotSupportedException e) {
                out.println("      (sink type '" + type + "' does not preview its schema changes)");
            } catch (CdcException e) {
                out.println("      CANNOT BE APPLIED: " + e.getMessage());
            }
        }
    }

    private static SchemaChangeEvent event(SchemaVersion v, Optional<TableSchema> before) {
        return new SchemaChangeEvent(v.table(), before, Optional.of(v.schema()), v.changes(), Optional.empty(),
                v.position(), v.seenAt());
    }

    /** The change as the sink sees it: after the pipeline's and the sink's own filters and transforms. */
    private static Optional<SchemaChangeEvent> through(SchemaChangeEvent e, List<Filter> filters,
                                                       List<Transformer> transforms, List<Filter> laneFilters,
                                                       List<Transformer> laneTransforms) {
        Optional<SchemaChangeEvent> out = Optional.of(e);
        for (List<?> stage : List.of(filters, transforms, laneFilters, laneTransforms)) {
            for (Object plugin : stage) {
                out = out.flatMap(c -> plugin instanceof Filter f ? (f.testSchemaChange(c) ? Optional.of(c)
                        : Optional.empty()) : ((Transformer) plugin).applySchemaChange(c));
            }
        }
        return out;
    }

    /** A copy in memory of what the sink accepted, so that judging pending changes changes no file. */
    private static MemorySchemaStore accepted(Path directory, String sink) throws IOException {
        MemorySchemaStore copy = new MemorySchemaStore();
        FileSchemaStore file = new FileSchemaStore(directory, SchemaGate.fileName(sink));
        if (Files.exists(file.file())) {
            copy.save(file.load());
        }
        return copy;
    }

    private static String describe(List<SchemaChange> changes) {
        return changes.isEmpty() ? "no change" : String.join(", ", changes.stream().map(SchemaChange::describe).toList());
    }

    private static <T> List<T> create(List<PluginSpec<T>> specs, String pipeline) {
        List<T> out = new ArrayList<>();
        for (PluginSpec<T> s : specs) {
            out.add(s.create(PluginContext.of(s.options(), pipeline, s.instanceName())));
        }
        return out;
    }

    private static void closeAll(List<? extends AutoCloseable> plugins) throws Exception {
        for (AutoCloseable c : plugins) {
            c.close();
        }
    }
}
