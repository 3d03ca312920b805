package dev.cdc.core.bench;

import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.BacklogSettings;
import dev.cdc.core.spec.EngineSettings;
import dev.cdc.core.spec.PipelineStatus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a slow sink costs the others: the generator into two {@code discard} sinks, both fast, and
 * then the same with one made slow ({@code delay-per-batch}) so that its lane spills to its
 * on-disk backlog. Prints the fast sink's rate alone and beside the slow neighbour (target: at
 * least 0.9 of it), the engine's rate (source to lanes) with spilling active against the
 * in-memory run (target: at least 0.7), and the disk bytes written per spilled event. Not a test:
 * run {@code scripts/bench-backlog.sh [events] [slow-delay-ms]}.
 */
public final class BacklogBenchmark {

    /** One run: when the source had handed everything over, when the fast sink had it, the slow lane's backlog. */
    private record Run(double engineRate, double fastRate, long backlogBytes, long backlogEvents) {
    }

    public static void main(String[] args) throws Exception {
        long events = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        long slowMillis = args.length > 1 ? Long.parseLong(args[1]) : 20;
        run(Math.min(events, 300_000), 0); // warm-up of both paths
        run(Math.min(events, 300_000), slowMillis);
        Run alone = run(events, 0);
        Run beside = run(events, slowMillis);
        System.out.printf(Locale.ROOT, "events: %,d; sinks: fast (discard), other (discard, then with "
                + "delay-per-batch %d ms and a backlog)%n", events, slowMillis);
        System.out.printf(Locale.ROOT, "fast sink, neighbour fast:      %,12.0f events/s%n", alone.fastRate());
        System.out.printf(Locale.ROOT, "fast sink, neighbour slow:      %,12.0f events/s%n", beside.fastRate());
        System.out.printf(Locale.ROOT, "ratio fast sink slow/fast neighbour: %.2f (target >= 0.9)%n",
                beside.fastRate() / alone.fastRate());
        System.out.printf(Locale.ROOT, "engine (source -> lanes), in memory: %,12.0f events/s%n", alone.engineRate());
        System.out.printf(Locale.ROOT, "engine (source -> lanes), spilling:  %,12.0f events/s%n", beside.engineRate());
        System.out.printf(Locale.ROOT, "ratio engine spilling/in-memory: %.2f (target >= 0.7)%n",
                beside.engineRate() / alone.engineRate());
        System.out.printf(Locale.ROOT, "backlog when the source was done: %,d events in %,d bytes: %.1f disk bytes "
                + "per event%n", beside.backlogEvents(), beside.backlogBytes(),
                beside.backlogEvents() == 0 ? 0.0 : (double) beside.backlogBytes() / beside.backlogEvents());
    }

    private static Run run(long events, long slowMillis) throws Exception {
        Path state = Files.createTempDirectory("cdc-bench-backlog");
        try {
            Map<String, Object> generator = Map.of("count", events, "rate", 0, "keys", 100_000, "batch-size", 500);
            Pipeline p = Pipeline.builder("bench-backlog").source("generator", generator)
                    .checkpoint("file", Map.of("path", state.toString())).stateDirectory(state)
                    .engine(new EngineSettings(1024, 16_384, Duration.ofSeconds(1), Duration.ofSeconds(2),
                            Duration.ofMillis(200)))
                    .sink("fast", "discard", Map.of())
                    .sink("other", "discard", Map.of("delay-per-batch", slowMillis + "ms"),
                            s -> s.backlog(new BacklogSettings(64L << 30, Optional.empty(),
                                    BacklogSettings.WhenFull.PAUSE)))
                    .build();
            long start = System.nanoTime();
            p.start();
            long sourceDone = 0;
            long fastDone = 0;
            PipelineStatus.Backlog atSourceDone = PipelineStatus.Backlog.EMPTY;
            while (sourceDone == 0 || fastDone == 0) {
                PipelineStatus s = p.status();
                if (sourceDone == 0 && s.eventsCaptured() >= events) {
                    sourceDone = System.nanoTime();
                    atSourceDone = s.sinks().get(1).backlog();
                }
                if (fastDone == 0 && s.sinks().get(0).written() >= events) {
                    fastDone = System.nanoTime();
                }
                if (s.state().isTerminal() && (sourceDone == 0 || fastDone == 0)) {
                    throw new IllegalStateException("the benchmark pipeline ended early: " + s);
                }
                Thread.sleep(2);
            }
            p.stop();
            p.awaitTermination(Duration.ofMinutes(1));
            return new Run(events / ((sourceDone - start) / 1e9), events / ((fastDone - start) / 1e9),
                    atSourceDone.bytes(), atSourceDone.events());
        } finally {
            try (Stream<Path> files = Files.walk(state)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
