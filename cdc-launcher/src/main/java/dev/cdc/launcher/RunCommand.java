package dev.cdc.launcher;

import dev.cdc.api.error.ConfigurationException;
import dev.cdc.core.spec.MetricsSettings;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.launcher.console.StatusReporter;
import dev.cdc.launcher.monitor.MonitoringServer;
import dev.cdc.launcher.monitor.PipelineObserver;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code cdc run FILE}: runs a pipeline until it completes, fails or is stopped by SIGTERM / Ctrl-C,
 * serving {@code /metrics}, {@code /health} and {@code /status} when {@code metrics.port} is set and
 * printing status lines to stderr.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a pipeline until its source completes, it fails, or it is stopped (Ctrl-C, SIGTERM: "
                + "drain every sink, save the final checkpoint, exit 0).",
            "Status lines go to stderr; stdout is left to the stdout sink. With metrics.port set, "
                + "http://HOST:PORT serves /metrics (Prometheus), /health and /status (JSON).",
            "With --verify-every (or POST /verify), `cdc verify FILE` runs in a child process and its results "
                + "show there too."})
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    private Cdc cdc;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The pipeline's YAML file.")
    private Path file;

    @Option(names = "--status-interval", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "How often to print a status line to stderr (e.g. 10s, 500ms; 0: never). "
                    + "Default: ${DEFAULT-VALUE}.")
    private Duration statusInterval;

    @Option(names = "--verify-every", paramLabel = "DURATION", defaultValue = "0", converter = DurationConverter.class,
            description = "Run `cdc verify FILE` (a child process) this often, the first time one interval after the "
                    + "start; its results show in /status, `cdc status` and the cdc_verify_* metrics (e.g. 6h; 0: never)."
                    + " Default: ${DEFAULT-VALUE}.")
    private Duration verifyEvery;

    @Option(names = "--verify-arg", paramLabel = "ARG", description = "One more argument of the scheduled (or POST "
            + "/verify) `cdc verify` (repeat for more), e.g. --verify-arg=--sink --verify-arg=search.")
    private List<String> verifyArgs = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Verbosity verbosity = cdc.verbosity();
        Optional<PipelineSpec> loaded = PipelineFiles.loadOrReport(file, err, verbosity);
        if (loaded.isEmpty()) {
            return ExitCodes.INVALID;
        }
        PipelineSpec pipelineSpec = loaded.get();

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (JvmGcMetrics gc = new JvmGcMetrics()) {
            bindJvmMetrics(registry, gc);
            Pipeline pipeline = Pipeline.create(pipelineSpec, registry);
            Clock clock = Clock.systemUTC();
            PipelineObserver observer = PipelineObserver.attach(pipeline, clock);
            Duration snapshotEvery = statusInterval.isZero() ? Duration.ofSeconds(10) : statusInterval;
            StatusReporter reporter = new StatusReporter(err, observer, snapshotEvery);
            pipeline.addListener(reporter);

            MonitoringServer server = null;
            MetricsSettings metrics = pipelineSpec.metrics();
            if (metrics.port().isPresent()) {
                try {
                    server = MonitoringServer.start(metrics.host(), metrics.port().getAsInt(), registry, observer);
                } catch (IOException | RuntimeException e) {
                    verbosity.printError(err, "could not start the metrics endpoint on " + metrics.host() + ":"
                            + metrics.port().getAsInt() + " (is the port taken? set metrics.port)", e);
                    registry.close();
                    return ExitCodes.CANNOT_START;
                }
            }
            ScheduledVerify verify = ScheduledVerify.start(pipelineSpec.name(), file, verifyEvery, verifyArgs);
            if (server != null) {
                server.onVerify(verify::trigger);
            }
            try {
                return run(pipeline, reporter, server, err, verbosity);
            } finally {
                verify.close();
                if (server != null) {
                    server.close();
                }
                registry.close();
            }
        }
    }

    private int run(Pipeline pipeline, StatusReporter reporter, MonitoringServer server, PrintWriter err,
                    Verbosity verbosity) throws InterruptedException {
        SignalStop signalStop = SignalStop.install(pipeline, err);
        int code = ExitCodes.FAILED;
        try {
            reporter.print("cdc: starting " + PipelineFiles.describe(pipeline.spec()));
            try {
                pipeline.start();
            } catch (ConfigurationException e) {
                ConfigProblems.print(err, e);
                code = ExitCodes.INVALID;
                return code;
            } catch (RuntimeException e) {
                verbosity.printError(err, "could not start pipeline '" + pipeline.name() + "'", e);
                code = ExitCodes.CANNOT_START;
                return code;
            }
            reporter.print("cdc: running" + (server == null ? "" : "; metrics, health and status on " + server.uri()
                    + " (/metrics, /health, /status)") + "; Ctrl-C stops gracefully");
            Duration tick = statusInterval.isZero() ? Duration.ofDays(1) : statusInterval;
            while (!pipeline.awaitTermination(tick)) {
                reporter.printStatus();
            }
            code = exitCode(pipeline.state());
            reporter.print(reporter.summary());
            if (code == ExitCodes.FAILED && verbosity.isVerbose()) {
                pipeline.failure().ifPresent(f -> f.printStackTrace(err));
            }
            return code;
        } finally {
            signalStop.finish(code);
        }
    }

    /** 0 when the pipeline stopped on request or completed, 1 when it failed. */
    static int exitCode(PipelineState state) {
        return switch (state) {
            case STOPPED, COMPLETED -> ExitCodes.OK;
            default -> ExitCodes.FAILED;
        };
    }

    private static void bindJvmMetrics(PrometheusMeterRegistry registry, JvmGcMetrics gc) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gc.bindTo(registry);
    }
}
