package dev.cdc.launcher;

import dev.cdc.api.error.ConfigurationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * The {@code cdc} command: {@code run}, {@code validate}, {@code plugins}, {@code status},
 * {@code schema history}, {@code schema plan}, {@code setup}, {@code reattach}, {@code verify}.
 * {@link #main} exits with one of {@link ExitCodes}; {@link #commandLine()} gives the configured
 * picocli command line for tests and embedding ({@code commandLine().execute(args)}).
 */
@Command(name = "cdc", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Change data capture for the JVM: reads a database's change log and delivers every change "
                + "to one or more sinks, with checkpoints so a restart resumes where it stopped.",
        subcommands = {RunCommand.class, ValidateCommand.class, PluginsCommand.class, StatusCommand.class,
            SchemaCommand.class, SetupCommand.class, ReattachCommand.class, BackfillCommand.class, VerifyCommand.class,
            CommandLine.HelpCommand.class},
        synopsisSubcommandLabel = "COMMAND",
        footerHeading = "%nExamples:%n",
        footer = {
            "  cdc validate examples/quickstart.yaml",
            "  cdc run examples/quickstart.yaml",
            "  cdc plugins generator",
            "  cdc status --url http://127.0.0.1:9404",
            "  cdc schema history examples/quickstart.yaml",
            "  cdc schema plan examples/postgres-to-mariadb.yaml",
            "  cdc setup examples/quickstart.yaml --print",
            "  cdc reattach examples/postgres-to-search-and-cache.yaml search",
            "  cdc verify examples/postgres-to-search-and-cache.yaml --sink search --repair",
        },
        exitCodeListHeading = "%nExit codes:%n")
public final class Cdc implements Callable<Integer> {

    private final Verbosity verbosity = new Verbosity();

    @Spec
    private CommandSpec spec;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Debug logging for cdc, and stack traces with errors.")
    void setVerbose(boolean verbose) {
        verbosity.setVerbose(verbose);
    }

    /** Whether {@code --verbose} was given, and how errors are printed. */
    Verbosity verbosity() {
        return verbosity;
    }

    /** {@code cdc} alone: the usage, and exit code {@value ExitCodes#INVALID}. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("cdc: missing a command");
        spec.commandLine().usage(err);
        return ExitCodes.INVALID;
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        System.exit(code);
    }

    /** A configured command line: usage with exit codes, one-line error messages. */
    public static CommandLine commandLine() {
        Cdc cdc = new Cdc();
        CommandLine cl = new CommandLine(cdc);
        cl.getCommandSpec().usageMessage().exitCodeList(ExitCodes.descriptions());
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n")
                    .exitCodeList(ExitCodes.descriptions());
        }
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine where = e.getCommandLine();
            PrintWriter err = where.getErr();
            err.println("cdc: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Run '" + where.getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return ExitCodes.INVALID;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof ConfigurationException ce) {
                ConfigProblems.print(err, ce);
                return ExitCodes.INVALID;
            }
            cdc.verbosity.printError(err, "unexpected error", e);
            if (!cdc.verbosity.isVerbose()) {
                err.println("cdc: run with --verbose for details");
                err.flush();
            }
            return ExitCodes.FAILED;
        });
        return cl;
    }
}
