package dev.cdc.launcher;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code cdc run --verify-every D}: runs {@code cdc verify FILE [--verify-arg ...]} as a child
 * process (the same Java and class path) every {@code D}, the first time {@code D} after the start,
 * and when asked ({@code POST /verify}), never two at once. Each run leaves its results in the pipeline's state directory, where this
 * launcher's {@code /status} and {@code cdc_verify_*} metrics show them; the outcome is logged
 * (equal: INFO; different or failed: WARN, with the report's last lines). A separate process keeps
 * a verify's memory and failures away from the pipeline. {@link #close()} stops the schedule and
 * a verify under way.
 */
final class ScheduledVerify implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduledVerify.class);
    /** Lines of a report kept for the log. */
    private static final int TAIL = 12;

    private final String pipeline;
    private final List<String> command;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Process running;

    private ScheduledVerify(String pipeline, List<String> command) {
        this.pipeline = pipeline;
        this.command = command;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cdc-" + pipeline + "-verify");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the schedule ({@code every} zero: none; {@link #trigger} still runs one on request). */
    static ScheduledVerify start(String pipeline, Path file, Duration every, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                "java").toString()));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Cdc.class.getName());
        command.add("verify");
        command.add(file.toAbsolutePath().toString());
        command.addAll(args);
        ScheduledVerify s = new ScheduledVerify(pipeline, List.copyOf(command));
        if (!every.isZero() && !every.isNegative()) {
            s.timer.scheduleWithFixedDelay(s::scheduled, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("pipeline '{}': cdc verify every {} ({})", pipeline, every, String.join(" ", args));
        }
        return s;
    }

    /** Starts a verify now ({@code POST /verify}); false when one is under way. */
    boolean trigger() {
        if (!busy.compareAndSet(false, true)) {
            return false;
        }
        try {
            timer.execute(() -> {
                try {
                    runOnce();
                } finally {
                    busy.set(false);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            busy.set(false);
            return false;
        }
    }

    private void scheduled() {
        if (busy.compareAndSet(false, true)) {
            try {
                runOnce();
            } finally {
                busy.set(false);
            }
        }
    }

    /** The child's command line (for tests and the log). */
    List<String> command() {
        return command;
    }

    private void runOnce() {
        long started = System.nanoTime();
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            running = p;
            List<String> tail = tail(p.getInputStream());
            int code = p.waitFor();
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            String last = tail.isEmpty() ? "(no output)" : tail.get(tail.size() - 1);
            if (code == ExitCodes.OK) {
                LOG.info("pipeline '{}': scheduled verify EQUAL in {} s: {}", pipeline, seconds, last);
            } else {
                LOG.warn("pipeline '{}': scheduled verify {} (exit {}) in {} s; /status and `cdc status` show the "
                                + "results. Last lines:\n  {}", pipeline, code == ExitCodes.DIFFERENT ? "found "
                                + "DIFFERENCES" : "FAILED", code, seconds, String.join("\n  ", tail));
            }
        } catch (IOException e) {
            LOG.warn("pipeline '{}': could not start the scheduled verify ({}): {}", pipeline, command.get(0),
                    e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running = null;
        }
    }

    /** Reads the child's output to its end, keeping the last lines (progress lines included). */
    private static List<String> tail(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                lines.add(line);
                if (lines.size() > TAIL) {
                    lines.remove(0);
                }
            }
        }
        return lines;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        Process p = running;
        if (p != null) {
            p.destroy();
        }
    }
}
