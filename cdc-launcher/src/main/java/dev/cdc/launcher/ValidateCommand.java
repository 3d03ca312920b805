package dev.cdc.launcher;

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

/** {@code cdc validate FILE}: checks a pipeline file without connecting to anything. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Checks a pipeline file: its YAML, the plugin types and every option. Connects to nothing.",
            "Prints each problem as file:line: path: message, then how many there are."})
final class ValidateCommand implements Callable<Integer> {

    @ParentCommand
    private Cdc cdc;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The pipeline's YAML file.")
    private Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<PipelineSpec> pipeline = PipelineFiles.loadOrReport(file, err, cdc.verbosity());
        if (pipeline.isEmpty()) {
            return ExitCodes.INVALID;
        }
        out.println(file + ": valid: " + PipelineFiles.describe(pipeline.get()));
        out.flush();
        return ExitCodes.OK;
    }
}
