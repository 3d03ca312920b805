package dev.cdc.launcher;

import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Checkpoint;
import dev.cdc.core.backfill.BackfillRecord;
import dev.cdc.core.runtime.DetachedSinks;
import dev.cdc.core.runtime.OfflineBackfills;
import dev.cdc.core.spec.PipelineSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code cdc reattach FILE SINK [--backfill [--table T]...]}: brings back a sink that a run detached
 * (its backlog budget was spent under {@code when-full: detach}). Run it while the pipeline is
 * stopped. With {@code --backfill} it also queues a backfill of every captured table (the schema
 * history's tables, or those named) into that sink only, so the next run fills what it missed.
 */
@Command(name = "reattach", mixinStandardHelpOptions = true,
        description = {"Re-attaches a detached sink: the next run delivers to it again, from the pipeline's "
                + "checkpoint on. Run it while the pipeline is stopped.",
            "Prints which changes the sink misses (between where it was detached and the checkpoint). With "
                + "--backfill, queues a backfill of every captured table into that sink only (the other sinks are "
                + "not rewritten): the next run streams to it from the checkpoint and fills the rest."})
final class ReattachCommand implements Callable<Integer> {

    @ParentCommand
    private Cdc cdc;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The pipeline's YAML file.")
    private Path file;

    @Parameters(index = "1", paramLabel = "SINK", description = "The name of the detached sink.")
    private String sink;

    @Option(names = "--backfill", description = "Also queue a backfill of every captured table into this sink only "
            + "(needs a source that can backfill: postgres, mysql).")
    private boolean backfill;

    @Option(names = "--table", paramLabel = "TABLE", description = "With --backfill: backfill this table (repeat for "
            + "more) instead of every table in the pipeline's schema history.")
    private List<String> tables = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<PipelineSpec> pipeline = PipelineFiles.loadOrReport(file, err, cdc.verbosity());
        if (pipeline.isEmpty()) {
            return ExitCodes.INVALID;
        }
        if (backfill) {
            return reattachWithBackfill(pipeline.get(), out, err);
        }
        Optional<DetachedSinks.Reattached> done;
        try {
            done = DetachedSinks.reattach(pipeline.get(), sink);
        } catch (IllegalArgumentException e) {
            err.println("cdc reattach: " + e.getMessage());
            err.flush();
            return ExitCodes.INVALID;
        }
        if (done.isEmpty()) {
            out.println("sink '" + sink + "' of pipeline '" + pipeline.get().name() + "' is not detached; nothing to do");
            out.flush();
            return ExitCodes.OK;
        }
        DetachedSinks.Reattached r = done.get();
        String from = r.checkpoint().map(Checkpoint::position).map(Object::toString).orElse("the source's start");
        out.println("sink '" + sink + "' re-attached: the next run delivers to it from the checkpoint " + from + " on.");
        out.println("It was detached at " + r.detached().since() + " (" + r.detached().reason() + ") at position "
                + r.detached().position() + ": it is MISSING the changes between " + r.detached().position()
                + " and " + from + ". Fill them with `cdc reattach " + file + " " + sink + " --backfill` next "
                + "time, or now with `cdc backfill " + file + " --table T --sink " + sink + "` for each table.");
        out.flush();
        return ExitCodes.OK;
    }

    private int reattachWithBackfill(PipelineSpec pipeline, PrintWriter out, PrintWriter err) throws Exception {
        Optional<OfflineBackfills.Reattach> done;
        try {
            List<TableId> which = tables.isEmpty() ? OfflineBackfills.capturedTables(pipeline)
                    : tables.stream().map(t -> TableId.parse(t.trim())).toList();
            if (which.isEmpty()) {
                err.println("cdc reattach: the schema history of pipeline '" + pipeline.name() + "' knows no table "
                        + "yet; name the tables with --table");
                err.flush();
                return ExitCodes.INVALID;
            }
            done = OfflineBackfills.reattach(pipeline, sink, which);
        } catch (IllegalArgumentException e) {
            err.println("cdc reattach: " + e.getMessage());
            err.flush();
            return ExitCodes.INVALID;
        }
        if (done.isEmpty()) {
            out.println("sink '" + sink + "' of pipeline '" + pipeline.name() + "' is not detached; nothing to do "
                    + "(to re-read tables into it, use `cdc backfill " + file + " --table T --sink " + sink + "`)");
            out.flush();
            return ExitCodes.OK;
        }
        DetachedSinks.Reattached r = done.get().reattached();
        String from = r.checkpoint().map(Checkpoint::position).map(Object::toString).orElse("the source's start");
        out.println("sink '" + sink + "' re-attached (it was detached at " + r.detached().since() + " at position "
                + r.detached().position() + ": " + r.detached().reason() + ").");
        out.println("The next `cdc run " + file + "` streams to it from the checkpoint " + from + " on and backfills, "
                + "into '" + sink + "' only:");
        for (BackfillRecord b : done.get().backfills()) {
            out.println("  " + b.id() + "  " + b.request().table());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
