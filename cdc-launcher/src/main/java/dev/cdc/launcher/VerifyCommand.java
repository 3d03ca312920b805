package dev.cdc.launcher;

import dev.cdc.api.error.NotSupportedException;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.api.verify.SinkReader;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.launcher.verify.PairResult;
import dev.cdc.launcher.verify.Repairs;
import dev.cdc.launcher.verify.TableVerifier;
import dev.cdc.launcher.verify.Verification;
import dev.cdc.launcher.verify.VerifyRecords;
import dev.cdc.launcher.verify.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code cdc verify FILE}: compares the source's tables with the sinks that can be read back and,
 * with {@code --repair}, repairs the differing rows through a key-list backfill of the sink.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compares the source's tables with each sink that can be read back (elasticsearch; redis in"
                + " modes hash and json) by key-range chunks with checksums, and reports the rows missing from, extra"
                + " in, or different in each sink (counts and a sample of keys). Safe while the pipeline runs: a"
                + " difference is read again after --settle and only persisting ones are reported.",
            "With --repair, the differing keys are re-read into that sink through a backfill (sent to the running"
                + " launcher's POST /backfills, or queued in the pipeline's state directory for the next run)."})
final class VerifyCommand implements Callable<Integer> {

    @ParentCommand
    private Cdc cdc;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The pipeline's YAML file.")
    private Path file;

    @Option(names = "--table", paramLabel = "TABLE", description = "Only this table (schema.name, or a name the"
            + " captured tables hold once); repeatable. Default: every captured table.")
    private List<String> tables = new ArrayList<>();

    @Option(names = "--sink", paramLabel = "SINK", description = "Only this sink (its name); repeatable. Default:"
            + " every sink.")
    private List<String> sinks = new ArrayList<>();

    @Option(names = "--repair", description = "Repair the differing rows through a key-list backfill of the sink.")
    private boolean repair;

    @Option(names = "--wait", description = "With --repair: wait for the backfills to finish, then verify those rows"
            + " again.")
    private boolean await;

    @Option(names = "--wait-timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "With --wait: how long to wait for the backfills. Default: ${DEFAULT-VALUE}.")
    private Duration waitTimeout;

    @Option(names = "--sample", paramLabel = "N", defaultValue = "10",
            description = "How many keys to print per kind of difference. Default: ${DEFAULT-VALUE}.")
    private int sample;

    @Option(names = "--chunk-size", paramLabel = "ROWS", defaultValue = "5000",
            description = "Rows per compared chunk. Default: ${DEFAULT-VALUE}.")
    private int chunkSize;

    @Option(names = "--settle", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "How long a change takes through the pipeline (its lag): a difference is read again after"
                    + " this. Default: ${DEFAULT-VALUE}.")
    private Duration settle;

    @Option(names = "--rechecks", paramLabel = "N", defaultValue = "3",
            description = "How many times a difference is read again before it is reported. Default: ${DEFAULT-VALUE}.")
    private int rechecks;

    @Option(names = "--scan-limit", paramLabel = "ROWS", defaultValue = "5000000",
            description = "A sink that can scan (elasticsearch) and holds at most this many rows of a table is read in"
                    + " one scan beside the source (memory: about 150 bytes per row); a larger one by id, chunk by"
                    + " chunk. 0: always by id. Default: ${DEFAULT-VALUE}.")
    private long scanLimit;

    @Option(names = "--json", description = "Print the report as JSON on stdout (progress still goes to stderr).")
    private boolean json;

    @Option(names = "--progress-interval", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class,
            description = "How often to print progress to stderr (0: never). Default: ${DEFAULT-VALUE}.")
    private Duration progressInterval;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<PipelineSpec> loaded = PipelineFiles.loadOrReport(file, err, cdc.verbosity());
        if (loaded.isEmpty()) {
            return ExitCodes.INVALID;
        }
        if (sample < 0 || chunkSize < 1 || rechecks < 0) {
            err.println("cdc verify: --sample and --rechecks must be >= 0 and --chunk-size > 0");
            err.flush();
            return ExitCodes.INVALID;
        }
        PipelineSpec pipeline = loaded.get();
        try (Verification v = new Verification(pipeline, Cdc.class.getClassLoader())) {
            List<TableId> chosen;
            try {
                v.open(sinks);
                chosen = v.tables(tables);
            } catch (IllegalArgumentException e) {
                err.println("cdc verify: " + e.getMessage());
                err.flush();
                return ExitCodes.INVALID;
            } catch (NotSupportedException e) {
                err.println("cdc verify: " + e.getMessage());
                err.flush();
                return ExitCodes.FAILED;
            } catch (Exception e) {
                cdc.verbosity().printError(err, "cdc verify: could not connect", e);
                return ExitCodes.CANNOT_START;
            }
            VerifyReport report = new VerifyReport(pipeline.name(), sample, v.unreadable());
            err.println("cdc verify: pipeline '" + pipeline.name() + "': " + chosen.size() + " table(s) against sink(s) "
                    + (v.sinks().isEmpty() ? "(none that can be read back)" : String.join(", ", v.sinks().keySet())));
            err.flush();
            TableVerifier.Settings settings = new TableVerifier.Settings(chunkSize, settle, rechecks, scanLimit);
            Progress progress = new Progress(err, progressInterval);
            Recorder recorder = new Recorder(VerifyRecords.of(pipeline), sample, err);
            boolean failed = false;
            for (TableId table : chosen) {
                for (Map.Entry<String, SinkReader> s : v.sinks().entrySet()) {
                    TableVerifier verifier = new TableVerifier(v.source(), s.getValue(), settings, progress,
                            TableVerifier.Sleeper.REAL);
                    long started = System.nanoTime();
                    PairResult r;
                    try {
                        r = verifier.verify(table, s.getKey());
                    } catch (Exception e) {
                        failed = true;
                        cdc.verbosity().printError(err, "cdc verify: comparing " + table + " with sink '" + s.getKey()
                                + "' failed", e);
                        r = PairResult.failed(table.toString(), s.getKey(), String.valueOf(e.getMessage()));
                    }
                    report.add(r);
                    recorder.compared(r, Duration.ofNanos(System.nanoTime() - started));
                }
            }
            if (repair) {
                failed |= !repair(pipeline, v, report, settings, err, recorder);
                recorder.saveRepaired();
            }
            if (json) {
                report.printJson(out);
            } else {
                report.printText(out);
            }
            if (failed) {
                return ExitCodes.FAILED;
            }
            if (report.results().stream().allMatch(r -> r.skippedReason().isPresent())) {
                err.println("cdc verify: nothing was compared (see above)");
                err.flush();
                return ExitCodes.FAILED;
            }
            return report.equal() ? ExitCodes.OK : ExitCodes.DIFFERENT;
        }
    }

    /** Sends (or queues) one backfill per differing table and sink; with --wait, re-verifies them. False on an error. */
    private boolean repair(PipelineSpec pipeline, Verification v, VerifyReport report, TableVerifier.Settings settings,
                           PrintWriter err, Recorder recorder) {
        Repairs repairs = new Repairs(pipeline, Clock.systemUTC());
        boolean ok = true;
        for (PairResult r : report.results()) {
            if (r.differences().isEmpty()) {
                continue;
            }
            TableId table = TableId.parse(r.table());
            Optional<BackfillRequest> request = Repairs.request(repairs.newId(table, r.sink()), table, r.sink(),
                    r.differences());
            if (request.isEmpty()) {
                recorder.repair(report, r, "nothing to repair by key (the extra ids map to no key;"
                        + " delete them by hand)");
                continue;
            }
            try {
                Repairs.Submitted sent = repairs.submit(request.get());
                if (sent.queuedOffline()) {
                    recorder.repair(report, r, "backfill " + sent.request().id() + " of "
                            + sent.request().keys().size() + " key(s) queued in " + sent.where() + "; it runs at the"
                            + " next 'cdc run'");
                    continue;
                }
                recorder.repair(report, r, "backfill " + sent.request().id() + " of "
                        + sent.request().keys().size() + " key(s) sent to " + sent.where());
                if (await) {
                    err.println("cdc verify: waiting for backfill " + sent.request().id());
                    err.flush();
                    String state = repairs.await(sent.request().id(), waitTimeout);
                    recorder.repair(report, r, "backfill " + sent.request().id() + " " + state);
                    TableVerifier again = new TableVerifier(v.source(), v.sinks().get(r.sink()), settings,
                            (t, s, rows, d) -> { }, TableVerifier.Sleeper.REAL);
                    recorder.afterRepair(report, r, again.verifyKeys(table, r.sink(), r.differences()));
                }
            } catch (Exception e) {
                ok = false;
                cdc.verbosity().printError(err, "cdc verify: repairing " + r.table() + " in sink '" + r.sink() + "'", e);
                recorder.repair(report, r, "FAILED: " + e.getMessage());
            }
        }
        return ok;
    }

    /**
     * Keeps each table and sink's result in the pipeline's state directory ({@link VerifyRecords}), where
     * the running {@code cdc run} shows it in {@code /status} and its metrics.
     */
    private static final class Recorder {
        private final Optional<VerifyRecords> records;
        private final int sample;
        private final PrintWriter err;
        private final Map<PairResult, Duration> took = new LinkedHashMap<>();
        private final Map<PairResult, List<String>> repairs = new LinkedHashMap<>();
        private final Map<PairResult, PairResult> after = new LinkedHashMap<>();
        private boolean warned;

        Recorder(Optional<VerifyRecords> records, int sample, PrintWriter err) {
            this.records = records;
            this.sample = sample;
            this.err = err;
        }

        void compared(PairResult r, Duration duration) {
            took.put(r, duration);
            save(r);
        }

        void repair(VerifyReport report, PairResult r, String what) {
            report.repair(r.table() + " -> " + r.sink() + ": " + what);
            repairs.computeIfAbsent(r, k -> new ArrayList<>()).add(what);
        }

        void afterRepair(VerifyReport report, PairResult r, PairResult again) {
            report.afterRepair(again);
            after.put(r, again);
        }

        void saveRepaired() {
            repairs.keySet().forEach(this::save);
        }

        private void save(PairResult r) {
            if (records.isEmpty()) {
                if (!warned) {
                    err.println("cdc verify: results not kept for `cdc status` and metrics: the pipeline has no state "
                            + "directory (its checkpoint store is not 'file')");
                    err.flush();
                    warned = true;
                }
                return;
            }
            try {
                records.get().save(r, Optional.ofNullable(after.get(r)),
                        Optional.ofNullable(repairs.get(r)).map(l -> String.join("; ", l)), Instant.now(),
                        took.getOrDefault(r, Duration.ZERO), sample);
            } catch (RuntimeException e) {
                err.println("cdc verify: could not keep the result of " + r.table() + " -> " + r.sink() + ": "
                        + e.getMessage());
                err.flush();
            }
        }
    }

    /** Prints the first pass's progress to stderr every interval. */
    private static final class Progress implements TableVerifier.Progress {
        private final PrintWriter err;
        private final long everyNanos;
        private long next;

        Progress(PrintWriter err, Duration every) {
            this.err = err;
            this.everyNanos = every.toNanos();
            this.next = System.nanoTime() + everyNanos;
        }

        @Override
        public void rows(TableId table, String sink, long rows, long differing) {
            if (everyNanos <= 0 || System.nanoTime() < next) {
                return;
            }
            next = System.nanoTime() + everyNanos;
            err.println("cdc verify: " + table + " -> " + sink + ": " + rows + " rows compared, " + differing
                    + " differing so far");
            err.flush();
        }
    }
}
