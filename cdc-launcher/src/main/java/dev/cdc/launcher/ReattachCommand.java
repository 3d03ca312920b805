package dev.cdc.launcher;

import dev.cdc.api.spi.Checkpoint;
import dev.cdc.core.runtime.DetachedSinks;
import dev.cdc.core.spec.PipelineSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code cdc reattach FILE SINK}: brings back a sink that a run detached (its backlog budget was
 * spent under {@code when-full: detach}). Run it while the pipeline is stopped.
 */
@Command(name = "reattach", mixinStandardHelpOptions = true,
        description = {"Re-attaches a detached sink: the next run delivers to it again, from the pipeline's "
                + "checkpoint on. Run it while the pipeline is stopped.",
            "Prints which changes the sink misses (between where it was detached and the checkpoint): re-snapshot "
                + "it to fill them."})
final class ReattachCommand implements Callable<Integer> {

    @ParentCommand
    private Cdc cdc;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The pipeline's YAML file.")
    private Path file;

    @Parameters(index = "1", paramLabel = "SINK", description = "The name of the detached sink.")
    private String sink;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<PipelineSpec> pipeline = PipelineFiles.loadOrReport(file, err, cdc.verbosity());
        if (pipeline.isEmpty()) {
            return ExitCodes.INVALID;
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
                + " and " + from + ". Re-snapshot it to fill them (a backfill of one sink will do this once cdc "
                + "has one).");
        out.flush();
        return ExitCodes.OK;
    }
}
