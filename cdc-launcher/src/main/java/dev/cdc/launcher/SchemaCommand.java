package dev.cdc.launcher;

import dev.cdc.api.config.ClosestName;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.SinkSpec;
import dev.cdc.core.schema.SchemaGate;
import dev.cdc.schema.compatibility.Compatibility;
import dev.cdc.schema.registry.SchemaRegistry;
import dev.cdc.schema.registry.SchemaVersion;
import dev.cdc.schema.store.FileSchemaStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code cdc schema history FILE [TABLE]}: the schema history a pipeline keeps beside its checkpoint;
 * {@code cdc schema plan FILE [TABLE]} ({@link SchemaPlanCommand}): what each sink applied and would apply.
 */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = {"The schema history a pipeline keeps beside its file checkpoint, what each sink would apply,",
            "and the decisions on the changes a sink under schema-policy manual holds."},
        subcommands = {SchemaCommand.History.class, SchemaPlanCommand.class, SchemaDecisionCommand.Approve.class,
            SchemaDecisionCommand.Reject.class}, synopsisSubcommandLabel = "COMMAND")
final class SchemaCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** The top-level command, for its options (verbosity). */
    Cdc cdc() {
        return (Cdc) spec.parent().userObject();
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("cdc schema: missing a command (history, plan, approve, reject)");
        spec.commandLine().usage(err);
        return ExitCodes.INVALID;
    }

    /** A pipeline's schema history, opened: the pipeline, its state directory, the store and the registry. */
    record Opened(PipelineSpec pipeline, Path directory, FileSchemaStore store, SchemaRegistry registry) {
    }

    /** The exit code of a command that could not open the history (the reason is printed). */
    static final class Failed extends Exception {
        final int exitCode;

        Failed(int exitCode) {
            super(null, null, false, false);
            this.exitCode = exitCode;
        }
    }

    /**
     * Loads the pipeline and the schema history beside its file checkpoint, or prints why it cannot
     * (no file checkpoint: exit code 2; no history yet or an unreadable one: 1).
     */
    static Opened open(Path file, PrintWriter err, Cdc cdc, String command) throws Failed {
        Optional<PipelineSpec> pipeline = PipelineFiles.loadOrReport(file, err, cdc.verbosity());
        if (pipeline.isEmpty()) {
            throw new Failed(ExitCodes.INVALID);
        }
        PipelineSpec p = pipeline.get();
        if (p.stateDirectory().isEmpty()) {
            err.println(command + ": pipeline '" + p.name() + "' keeps no schema history: its checkpoint"
                    + " store is '" + p.checkpoint().type() + "', and the history is kept beside a 'file' checkpoint;"
                    + " use checkpoint: {type: file, path: ...} to keep one");
            err.flush();
            throw new Failed(ExitCodes.INVALID);
        }
        Path directory = p.stateDirectory().get();
        FileSchemaStore store = new FileSchemaStore(directory);
        if (!Files.exists(store.file())) {
            err.println(command + ": pipeline '" + p.name() + "' has no schema history yet: " + store.file()
                    + " does not exist (it is written when the pipeline first sees a table's schema; run the"
                    + " pipeline first, or check the checkpoint path)");
            err.flush();
            throw new Failed(ExitCodes.FAILED);
        }
        try {
            return new Opened(p, directory, store, SchemaRegistry.open(store));
        } catch (CdcException e) {
            cdc.verbosity().printError(err, command, e);
            throw new Failed(ExitCodes.FAILED);
        }
    }

    /** Every table of the history, or the one asked for; empty (and the known ones printed) when it is unknown. */
    static Optional<List<TableId>> tables(SchemaRegistry registry, String table, PipelineSpec p, PrintWriter err,
                                          String command) {
        List<TableId> tables = registry.tables();
        if (table == null) {
            return Optional.of(tables);
        }
        Optional<TableId> wanted = tables.stream().filter(t -> t.toString().equals(table)).findFirst();
        if (wanted.isEmpty()) {
            List<String> known = tables.stream().map(TableId::toString).toList();
            err.println(command + ": table '" + table + "' is not in the schema history of pipeline '"
                    + p.name() + "'" + ClosestName.among(table, known).map(k -> "; did you mean '" + k + "'?")
                    .orElse("") + " (known: " + String.join(", ", known) + ")");
            err.flush();
            return Optional.empty();
        }
        return Optional.of(List.of(wanted.get()));
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = {"Prints every version of each table's schema (version, the source position where it took "
                    + "effect, when it was first seen, its columns) and the changes between consecutive versions "
                    + "with their compatibility verdicts, then the version each sink accepted.",
                "Reads the pipeline's state directory (the file checkpoint's path); connects to nothing, so it may "
                    + "run beside the running pipeline."})
    static final class History implements Callable<Integer> {

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
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Opened opened;
            try {
                opened = open(file, err, parent.cdc(), "cdc schema history");
            } catch (Failed f) {
                return f.exitCode;
            }
            PipelineSpec p = opened.pipeline();
            Path directory = opened.directory();
            FileSchemaStore store = opened.store();
            SchemaRegistry registry = opened.registry();
            Optional<List<TableId>> chosen = tables(registry, table, p, err, "cdc schema history");
            if (chosen.isEmpty()) {
                return ExitCodes.INVALID;
            }
            List<TableId> tables = chosen.get();
            out.println("schema history of pipeline '" + p.name() + "' (" + store.file() + "): " + tables.size()
                    + (tables.size() == 1 ? " table" : " tables"));
            for (TableId t : tables) {
                print(out, registry.history(t));
            }
            printSinks(out, p, directory, tables);
            out.flush();
            return ExitCodes.OK;
        }

        private static void print(PrintWriter out, List<SchemaVersion> history) {
            out.println();
            out.println(history.get(0).table() + ": " + history.size() + (history.size() == 1 ? " version" : " versions"));
            for (int i = 0; i < history.size(); i++) {
                SchemaVersion v = history.get(i);
                out.println("  v" + v.version() + "  at " + v.position() + "  seen " + v.seenAt() + "  fingerprint "
                        + v.fingerprint());
                out.println("      columns: " + columns(v.schema()));
                if (i > 0) {
                    Optional<TableSchema> before = Optional.of(history.get(i - 1).schema());
                    List<Compatibility> verdicts = Compatibility.of(v.changes(), before);
                    for (int c = 0; c < v.changes().size(); c++) {
                        out.println("      " + v.changes().get(c).describe() + "  [" + verdicts.get(c) + "]");
                    }
                    out.println("      verdict: " + Compatibility.overall(verdicts));
                }
            }
        }

        private static String columns(TableSchema schema) {
            return schema.columns().stream().map(c -> column(c, schema)).collect(Collectors.joining(", "));
        }

        private static String column(Column c, TableSchema schema) {
            return c.name() + " " + c.type().describe() + (c.nullable() ? "" : " not null")
                    + c.defaultValue().map(d -> " default " + d).orElse("")
                    + (schema.primaryKey().contains(c.name()) ? " (key)" : "");
        }

        private static void printSinks(PrintWriter out, PipelineSpec p, Path directory, List<TableId> tables) {
            out.println();
            for (SinkSpec s : p.sinks()) {
                Path accepted = directory.resolve(SchemaGate.fileName(s.name()));
                String policy = s.effectiveSchemaPolicy().tag() + (s.schemaPolicy().isEmpty() ? ", the default" : "");
                if (!Files.exists(accepted)) {
                    out.println("sink '" + s.name() + "' (schema-policy " + policy + "): no schema accepted yet");
                    continue;
                }
                List<SchemaVersion> versions;
                try {
                    versions = new FileSchemaStore(directory, SchemaGate.fileName(s.name())).load();
                } catch (java.io.IOException e) {
                    out.println("sink '" + s.name() + "': cannot read " + accepted + ": " + e.getMessage());
                    continue;
                }
                String at = versions.stream().filter(v -> tables.contains(v.table()))
                        .map(v -> v.table() + " v" + v.version()).collect(Collectors.joining(", "));
                out.println("sink '" + s.name() + "' (schema-policy " + policy + "): "
                        + (at.isEmpty() ? "none of these tables" : at));
            }
        }
    }
}
