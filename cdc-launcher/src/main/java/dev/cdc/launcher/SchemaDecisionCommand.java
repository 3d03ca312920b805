package dev.cdc.launcher;

import dev.cdc.api.config.ClosestName;
import dev.cdc.api.error.CdcException;
import dev.cdc.core.schema.HeldChanges;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.SinkSpec;
import dev.cdc.schema.compatibility.SchemaPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code cdc schema approve FILE SINK VERSION [--table T]} and {@code cdc schema reject ...}: the
 * operator's decision on a schema change that a sink under {@code schema-policy: manual} holds. The
 * decision is a file beside the held change in the pipeline's state directory
 * ({@link HeldChanges}): a running pipeline's lane polls for it and goes on within a second; a stopped
 * pipeline finds it at its next start. Connects to nothing.
 */
abstract class SchemaDecisionCommand implements Callable<Integer> {

    @ParentCommand
    private SchemaCommand parent;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The pipeline's YAML file.")
    private Path file;

    @Parameters(index = "1", paramLabel = "SINK", description = "The sink (its name in the pipeline file).")
    private String sink;

    @Parameters(index = "2", paramLabel = "VERSION",
            description = "The held version of the table's schema (as `cdc status` and `cdc schema plan` show it).")
    private int version;

    @Option(names = "--table", paramLabel = "TABLE",
            description = "The table, as namespace.name; needed only when the sink holds that version of several tables.")
    private String table;

    abstract HeldChanges.Verdict verdict();

    /** What the sink does once decided, for the confirmation. */
    abstract String consequence(HeldChanges.Held held);

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String command = "cdc schema " + (verdict() == HeldChanges.Verdict.APPROVED ? "approve" : "reject");
        Optional<PipelineSpec> loaded = PipelineFiles.loadOrReport(file, err, parent.cdc().verbosity());
        if (loaded.isEmpty()) {
            return ExitCodes.INVALID;
        }
        PipelineSpec p = loaded.get();
        Optional<String> problem = problem(p, command);
        if (problem.isPresent()) {
            err.println(problem.get());
            err.flush();
            return ExitCodes.INVALID;
        }
        HeldChanges changes = HeldChanges.in(p.stateDirectory().orElseThrow(), sink);
        List<HeldChanges.Held> held = changes.held();
        List<HeldChanges.Held> matching = held.stream().filter(h -> h.version() == version
                && (table == null || h.table().toString().equals(table))).toList();
        if (matching.size() != 1) {
            err.println(command + ": " + (matching.isEmpty() ? notHeld(held) : "sink '" + sink + "' holds v" + version
                    + " of several tables (" + String.join(", ", matching.stream().map(h -> h.table().toString())
                    .toList()) + "); say which with --table"));
            err.flush();
            return ExitCodes.INVALID;
        }
        HeldChanges.Held h = matching.get(0);
        String decided = verdict().name().toLowerCase(Locale.ROOT);
        if (h.verdict().equals(Optional.of(verdict()))) {
            out.println(h.table() + " v" + h.version() + " of sink '" + sink + "' was already " + decided
                    + "; the pipeline applies the decision when its lane reaches the change");
            out.flush();
            return ExitCodes.OK;
        }
        try {
            changes.decide(h.table(), h.version(), verdict());
        } catch (CdcException e) {
            parent.cdc().verbosity().printError(err, command, e);
            return ExitCodes.FAILED;
        }
        out.println(decided + ": " + h.describe());
        out.println(consequence(h));
        out.println("A running pipeline goes on within a second; a stopped one when it next starts (cdc run "
                + file + ").");
        out.flush();
        return ExitCodes.OK;
    }

    /** Why the command cannot apply to the pipeline's sink, if it cannot. */
    private Optional<String> problem(PipelineSpec p, String command) {
        List<String> names = p.sinks().stream().map(SinkSpec::name).toList();
        Optional<SinkSpec> s = p.sinks().stream().filter(k -> k.name().equals(sink)).findFirst();
        if (s.isEmpty()) {
            return Optional.of(command + ": pipeline '" + p.name() + "' (" + file + ") has no sink '" + sink + "'"
                    + ClosestName.among(sink, names).map(k -> "; did you mean '" + k + "'?").orElse("")
                    + " (its sinks: " + String.join(", ", names) + ")");
        }
        if (p.stateDirectory().isEmpty()) {
            return Optional.of(command + ": pipeline '" + p.name() + "' has no state directory (its checkpoint store is '"
                    + p.checkpoint().type() + "'), so no sink of it can hold a schema change; schema-policy: manual "
                    + "needs checkpoint: {type: file, path: ...}");
        }
        SchemaPolicy policy = s.get().effectiveSchemaPolicy();
        if (policy != SchemaPolicy.MANUAL) {
            List<HeldChanges.Held> left = HeldChanges.in(p.stateDirectory().get(), sink).held();
            return Optional.of(command + ": sink '" + sink + "' has schema-policy '" + policy.tag() + "', which holds no"
                    + " change for approval; only schema-policy: manual does" + (left.isEmpty() ? ""
                    : " (what it held under manual, " + String.join(", ", left.stream().map(h -> h.table() + " v"
                    + h.version()).toList()) + ", is decided by '" + policy.tag() + "' at the next start)"));
        }
        return Optional.empty();
    }

    private String notHeld(List<HeldChanges.Held> held) {
        String what = "sink '" + sink + "' holds no v" + version + (table == null ? "" : " of table " + table);
        if (held.isEmpty()) {
            return what + "; it holds no schema change at all (a change is held when the sink's lane reaches it;"
                    + " `cdc schema plan " + file + "` shows what is still to come)";
        }
        return what + "; it holds: " + String.join(", ", held.stream().map(h -> h.table() + " v" + h.version()
                + h.verdict().map(v -> " (" + v.name().toLowerCase(Locale.ROOT) + ")").orElse("")).toList());
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = {"Approves a schema change that a sink under schema-policy manual holds: the sink applies "
                    + "it (as under evolve) and its lane goes on with the rows after it.",
                "Writes the decision into the pipeline's state directory: a running pipeline applies it within a "
                    + "second, a stopped one at its next start. Connects to nothing."})
    static final class Approve extends SchemaDecisionCommand {
        @Override
        HeldChanges.Verdict verdict() {
            return HeldChanges.Verdict.APPROVED;
        }

        @Override
        String consequence(HeldChanges.Held held) {
            return "The sink runs:" + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ",
                    held.statements().isEmpty() ? List.of("(nothing in the target)") : held.statements());
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = {"Rejects a schema change that a sink under schema-policy manual holds: the sink keeps its "
                    + "schema, as under schema-policy ignore (its rows of the table lose the columns it does not "
                    + "have), and its lane goes on. A later change of the table is judged against the kept schema.",
                "Writes the decision into the pipeline's state directory: a running pipeline applies it within a "
                    + "second, a stopped one at its next start. Connects to nothing."})
    static final class Reject extends SchemaDecisionCommand {
        @Override
        HeldChanges.Verdict verdict() {
            return HeldChanges.Verdict.REJECTED;
        }

        @Override
        String consequence(HeldChanges.Held held) {
            return "The sink keeps its schema of " + held.table() + " (as schema-policy ignore): its rows lose the "
                    + "columns it does not have; nothing runs in the target.";
        }
    }
}
