package dev.cdc.launcher.console;

import dev.cdc.api.event.Position;
import dev.cdc.api.spi.SnapshotProgress;
import dev.cdc.core.backfill.BackfillStatus;
import dev.cdc.core.spec.PipelineListener;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PipelineStatus;
import dev.cdc.launcher.monitor.PipelineObserver;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The human-readable output of {@code cdc run} on stderr (stdout belongs to the stdout sink):
 * <pre>
 * 12:00:10 RUNNING captured 2400 (+200/s) | out: written 2300, queue 100, lag 0.2s | checkpoint {sequence=2299} 0.4s ago
 * 12:00:11 snapshot public.orders: 1200 of ~5000 rows (24%)
 * 12:00:20 RUNNING captured 9600 (+720/s) | out: written 9500, ... | backfill orders-1a2b running 4096 of ~5000 rows | checkpoint ...
 * completed: captured 20 events; out: written 20; checkpoint at {sequence=19}
 * </pre>
 * Snapshot progress is printed at most once per status interval and table, and when a table
 * finishes. Thread-safe: the engine reports progress, the run command prints status.
 */
public final class StatusReporter implements PipelineListener {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

    private final PrintWriter err;
    private final PipelineObserver observer;
    private final Duration snapshotInterval;
    private final Map<String, Instant> snapshotPrinted = new ConcurrentHashMap<>();
    private long lastCaptured;
    private Instant lastSample;

    public StatusReporter(PrintWriter err, PipelineObserver observer, Duration snapshotInterval) {
        this.err = Objects.requireNonNull(err, "err");
        this.observer = Objects.requireNonNull(observer, "observer");
        this.snapshotInterval = Objects.requireNonNull(snapshotInterval, "snapshotInterval");
        this.lastSample = observer.clock().instant();
    }

    /** Prints one status line now. */
    public synchronized void printStatus() {
        print(statusLine());
    }

    /** The status line: time, state, events captured and their rate, each sink, the checkpoint. */
    public synchronized String statusLine() {
        PipelineStatus s = observer.status();
        Instant now = observer.clock().instant();
        double elapsed = Duration.between(lastSample, now).toMillis() / 1000.0;
        long rate = elapsed <= 0 ? 0 : Math.round((s.eventsCaptured() - lastCaptured) / elapsed);
        lastCaptured = s.eventsCaptured();
        lastSample = now;
        Set<String> alerts = observer.lagAlerts();
        StringBuilder sb = new StringBuilder()
                .append(LocalTime.ofInstant(now, ZoneId.systemDefault()).format(TIME)).append(' ')
                .append(s.state()).append(" captured ").append(s.eventsCaptured())
                .append(" (+").append(rate).append("/s)");
        for (PipelineStatus.SinkStatus sink : s.sinks()) {
            sb.append(" | ").append(sink.name()).append(": written ").append(sink.written())
                    .append(", queue ").append(sink.queueDepth())
                    .append(", lag ").append(String.format(Locale.ROOT, "%.1fs", sink.lagSeconds()));
            if (sink.state() != PipelineStatus.LaneState.STREAMING) {
                sb.append(", ").append(sink.state().tag());
            }
            if (sink.backlog().events() > 0) {
                sb.append(", backlog ").append(sink.backlog().events()).append(" events / ")
                        .append(sink.backlog().bytes()).append(" bytes, oldest ")
                        .append(String.format(Locale.ROOT, "%.1fs", sink.backlog().ageSeconds()));
            }
            sink.outage().ifPresent(o -> sb.append(", DOWN for ").append(String.format(Locale.ROOT, "%.1fs",
                    Duration.between(o.since(), now).toMillis() / 1000.0)));
            if (sink.failed() + sink.deadLettered() + sink.skipped() > 0) {
                sb.append(", failed ").append(sink.failed()).append(", dead-lettered ").append(sink.deadLettered())
                        .append(", skipped ").append(sink.skipped());
            }
            if (alerts.contains(sink.name())) {
                sb.append(" LAG ALERT");
            }
            sink.schemaChanges().held().forEach(h -> sb.append(" SCHEMA CHANGE HELD ").append(h.table()).append(" v")
                    .append(h.version()).append(" (").append(h.approveCommand()).append(')'));
        }
        s.sourceWaitingOn().ifPresent(w -> sb.append(" | source waiting on sink ").append(w));
        for (BackfillStatus b : observer.backfills().statuses()) {
            if (!b.state().ended()) {
                sb.append(" | backfill ").append(b.id()).append(' ').append(b.state().tag()).append(' ')
                        .append(b.rows()).append(b.rowsEstimated() >= 0 ? " of ~" + b.rowsEstimated() : "")
                        .append(" rows");
            }
        }
        sb.append(" | checkpoint ");
        if (s.checkpoint().isPresent()) {
            sb.append(s.checkpoint().get());
            s.checkpointSavedAt().ifPresent(at -> sb.append(' ')
                    .append(String.format(Locale.ROOT, "%.1fs", Duration.between(at, now).toMillis() / 1000.0))
                    .append(" ago"));
        } else {
            sb.append("none yet");
        }
        return sb.toString();
    }

    /**
     * The last line of a run: how it ended, where the checkpoint is, and what each sink wrote.
     * {@code stopped; checkpoint at {sequence=1234}; captured 1235 events; out: written 1235}.
     */
    public String summary() {
        PipelineStatus s = observer.status();
        StringBuilder sb = new StringBuilder(s.state().name().toLowerCase(Locale.ROOT));
        if (s.state() == PipelineState.FAILED) {
            sb.append(": ").append(s.failure().orElse("unknown failure"));
        }
        sb.append("; ").append(s.checkpoint().map(StatusReporter::checkpointText).orElse("no checkpoint saved"));
        sb.append("; captured ").append(s.eventsCaptured()).append(" events; ")
                .append(s.sinks().stream().map(StatusReporter::sinkTotals).collect(Collectors.joining("; ")));
        if (s.state() == PipelineState.FAILED && s.checkpoint().isPresent()) {
            sb.append("; a restart resumes after the checkpoint");
        }
        return sb.toString();
    }

    private static String checkpointText(Position position) {
        return "checkpoint at " + position;
    }

    private static String sinkTotals(PipelineStatus.SinkStatus sink) {
        String totals = sink.name() + ": written " + sink.written();
        if (sink.failed() > 0) {
            totals += ", failed " + sink.failed();
        }
        if (sink.deadLettered() > 0) {
            totals += ", dead-lettered " + sink.deadLettered();
        }
        if (sink.skipped() > 0) {
            totals += ", skipped " + sink.skipped();
        }
        PipelineStatus.SchemaChanges schema = sink.schemaChanges();
        if (schema.total() > 0) {
            totals += ", schema changes applied " + schema.applied() + " / ignored " + schema.ignored() + " / stopped "
                    + schema.stopped();
        }
        return totals;
    }

    @Override
    public void onSnapshotProgress(SnapshotProgress progress) {
        String table = progress.table().toString();
        Instant now = observer.clock().instant();
        Instant last = snapshotPrinted.get(table);
        if (!progress.finished() && last != null && Duration.between(last, now).compareTo(snapshotInterval) < 0) {
            return;
        }
        snapshotPrinted.put(table, now);
        print(snapshotLine(progress, now));
    }

    static String snapshotLine(SnapshotProgress p, Instant now) {
        StringBuilder sb = new StringBuilder()
                .append(LocalTime.ofInstant(now, ZoneId.systemDefault()).format(TIME))
                .append(" snapshot ").append(p.table()).append(": ");
        if (p.finished()) {
            return sb.append("done, ").append(p.rowsRead()).append(" rows").toString();
        }
        sb.append(p.rowsRead());
        if (p.rowsEstimated().isPresent() && p.rowsEstimated().getAsLong() > 0) {
            long estimated = p.rowsEstimated().getAsLong();
            sb.append(" of ~").append(estimated).append(" rows (")
                    .append(Math.min(100, p.rowsRead() * 100 / estimated)).append("%)");
        } else {
            sb.append(" rows");
        }
        return sb.toString();
    }

    /** Prints a line to stderr at once. */
    public void print(String line) {
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }
}
