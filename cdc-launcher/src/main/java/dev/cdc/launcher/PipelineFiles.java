package dev.cdc.launcher;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.core.config.PipelineLoader;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.SinkSpec;
import dev.cdc.core.plugin.PluginRegistry;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;

/** Reads pipeline files with every plugin the launcher bundles (everything on its class path). */
final class PipelineFiles {

    private PipelineFiles() {
    }

    /** Every plugin on the launcher's class path. */
    static PluginRegistry registry() {
        return PluginRegistry.discover(Cdc.class.getClassLoader());
    }

    /**
     * Loads and validates a pipeline file (relative paths in it are relative to the working
     * directory). Connects to nothing.
     *
     * @throws ConfigurationException with every problem, each naming the file, line and YAML path
     * @throws dev.cdc.api.error.CdcException when the bundled plugins conflict
     */
    static PipelineSpec load(Path file) {
        return new PipelineLoader(registry()).load(file);
    }

    /**
     * {@link #load}, or, when the file is invalid, its problems printed to {@code err} (one line
     * each, then their count) and empty. Never a stack trace unless verbose.
     */
    static Optional<PipelineSpec> loadOrReport(Path file, PrintWriter err, Verbosity verbosity) {
        try {
            return Optional.of(load(file));
        } catch (ConfigurationException e) {
            ConfigProblems.print(err, e);
        } catch (CdcException e) {
            verbosity.printError(err, file.toString(), e);
        }
        return Optional.empty();
    }

    /** One line naming the pipeline's plugins: {@code source generator; sinks out (stdout), ...}. No options. */
    static String describe(PipelineSpec spec) {
        String sinks = spec.sinks().stream().map(PipelineFiles::describe).collect(Collectors.joining(", "));
        return "pipeline '" + spec.name() + "': source " + spec.source().type() + "; "
                + (spec.sinks().size() == 1 ? "sink " : "sinks ") + sinks + "; checkpoint " + spec.checkpoint().type();
    }

    private static String describe(SinkSpec sink) {
        return sink.name() + " (" + sink.sink().type() + ")";
    }
}
