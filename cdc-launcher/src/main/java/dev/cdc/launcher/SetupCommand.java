package dev.cdc.launcher;

import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceSetup;
import dev.cdc.core.spec.PipelineSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code cdc setup FILE [--print] [--drop] [--alter SQL]}: the database objects a pipeline's source
 * needs besides the captured tables (jdbc-trigger: its change-log table and triggers): creates them,
 * prints them for a DBA, removes them, or runs an {@code ALTER TABLE} together with what they need
 * for the new columns.
 */
@Command(name = "setup", mixinStandardHelpOptions = true,
        description = {"Creates what the pipeline's source needs in the database besides the captured tables (for"
                + " jdbc-trigger: the change-log table and a trigger per table; for mysql: the backfills' watermark"
                + " table), or with --print only prints the"
                + " statements for a DBA to run, or with --drop removes them all.",
            "Connects to the source's database (to read the tables' columns); touches no checkpoint."})
final class SetupCommand implements Callable<Integer> {

    @ParentCommand
    private Cdc cdc;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The pipeline's YAML file.")
    private Path file;

    @Option(names = "--print", description = "Print the statements (one per paragraph, ending with ';') instead of"
            + " running them.")
    private boolean print;

    @Option(names = "--drop", description = "Remove the triggers and the change log (with --print: print how).")
    private boolean drop;

    @Option(names = "--alter", paramLabel = "SQL", description = "Run this ALTER TABLE of a captured table together"
            + " with what the source's objects need for the new columns (jdbc-trigger on MariaDB: its triggers, under one"
            + " table lock, so no write fails on a dropped column or goes uncaptured).")
    private String alter;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<PipelineSpec> pipeline = PipelineFiles.loadOrReport(file, err, cdc.verbosity());
        if (pipeline.isEmpty()) {
            return ExitCodes.INVALID;
        }
        PipelineSpec p = pipeline.get();
        try (Source source = p.source().create(PluginContext.of(p.source().options(), p.name(), "source"))) {
            if (!(source instanceof SourceSetup setup)) {
                err.println("cdc setup: source type '" + p.source().type() + "' of pipeline '" + p.name() + "' needs no"
                        + " setup in the database (jdbc-trigger and mysql do)");
                err.flush();
                return ExitCodes.INVALID;
            }
            if (alter != null) {
                setup.alter(alter);
                err.println("cdc setup: ran `" + alter + "` with the setup of pipeline '" + p.name() + "'");
                err.flush();
                return ExitCodes.OK;
            }
            List<String> statements = drop ? setup.dropStatements() : setup.setupStatements();
            if (print) {
                out.println("-- " + (drop ? "removes" : "creates") + " what source '" + p.source().type()
                        + "' of pipeline '" + p.name() + "' needs; run as a user allowed to create triggers and tables");
                for (String s : statements) {
                    out.println(s + ";");
                    out.println();
                }
                out.flush();
                return ExitCodes.OK;
            }
            if (drop) {
                setup.drop();
            } else {
                setup.setUp();
            }
            err.println("cdc setup: " + (drop ? "removed" : "created") + " what pipeline '" + p.name() + "' needs ("
                    + statements.size() + " statements)");
            err.flush();
            return ExitCodes.OK;
        } catch (Exception e) {
            cdc.verbosity().printError(err, "cdc setup", e);
            return ExitCodes.CANNOT_START;
        }
    }
}
