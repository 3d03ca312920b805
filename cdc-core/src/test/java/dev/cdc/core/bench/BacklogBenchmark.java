package dev.cdc.core.bench;

import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.BacklogSettings;
import dev.cdc.core.spec.EngineSettings;
import dev.cdc.core.spec.PipelineStatus;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a slow sink costs the others: the generator into two {@code discard} sinks, both fast, and
 * then the same with one made slow ({@code delay-per-batch}) so that its lane spills to its
 * on-disk backlog. Prints the fast sink's rate alone and beside the slow neighbour (target: at
 * least 0.9 of it), the engine's rate (source to lanes) with spilling active against the
 * in-memory run (target: at least 0.7), and the disk bytes written per spilled event. Not a test:
 * run {@code scripts/bench-backlog.sh [events] [slow-delay-ms] [pairs]}.
 */
public final class BacklogBenchmark {

    /** One run: when the source had handed everything over, when the fast sink had it, the slow lane's backlog. */
    private record Run(double engineRate, double fastRate, long backlogBytes, long backlogEvents, String cpu) {
    }

    /**
     * CPU time per event until the source was done, of the whole process and of each pipeline
     * thread (source, lane workers, spill writers): what the run costs, whatever else the machine
     * runs at the same time.
     */
    private static String cpuPerEvent(long processCpuStart, long events) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> byThread = new TreeMap<>();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && (t.getThreadName().startsWith("cdc-bench-backlog-") || t.getThreadName().startsWith("cdc-spill-"))) {
                long nanos = threads.getThreadCpuTime(t.getThreadId());
                if (nanos > 0) {
                    byThread.merge(t.getThreadName().replace("cdc-bench-backlog-", ""), nanos, Long::sum);
                }
            }
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "CPU us/event: process %.2f",
                (processCpu() - processCpuStart) / 1e3 / events));
        byThread.forEach((name, nanos) -> out.append(String.format(Locale.ROOT, ", %s %.2f", name, nanos / 1e3 / events)));
        return out.toString();
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The fast sink's backlog: the default, or off ({@code -Dbench.fast-backlog=off}: it never spills). */
    private static final BacklogSettings FAST_BACKLOG = "off".equals(System.getProperty("bench.fast-backlog"))
            ? BacklogSettings.OFF : BacklogSettings.DEFAULT;

    public static void main(String[] args) throws Exception {
        long events = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        long slowMillis = args.length > 1 ? Long.parseLong(args[1]) : 20;
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        run(Math.min(events, 300_000), 0); // warm-up of both paths
        run(Math.min(events, 300_000), slowMillis);
        System.out.printf(Locale.ROOT, "events: %,d; sinks: fast (discard), other (discard, then with "
                + "delay-per-batch %d ms and a backlog); %d pairs of runs, alternating%n", events, slowMillis, pairs);
        List<Double> fastRatios = new ArrayList<>();
        List<Double> engineRatios = new ArrayList<>();
        for (int i = 1; i <= pairs; i++) {
            Run alone = run(events, 0);
            Run beside = run(events, slowMillis);
            fastRatios.add(beside.fastRate() / alone.fastRate());
            engineRatios.add(beside.engineRate() / alone.engineRate());
            System.out.printf(Locale.ROOT, "pair %d: fast sink %,.0f events/s alone, %,.0f beside the slow one "
                    + "(%.2f); engine %,.0f in memory, %,.0f spilling (%.2f); backlog when the source was done: "
                    + "%,d events in %,d bytes, %.1f disk bytes per event%n", i, alone.fastRate(),
                    beside.fastRate(), fastRatios.get(i - 1), alone.engineRate(), beside.engineRate(),
                    engineRatios.get(i - 1), beside.backlogEvents(), beside.backlogBytes(),
                    beside.backlogEvents() == 0 ? 0.0 : (double) beside.backlogBytes() / beside.backlogEvents());
            System.out.println("  in memory: " + alone.cpu());
            System.out.println("  spilling:  " + beside.cpu());
        }
        System.out.printf(Locale.ROOT, "median ratio fast sink slow/fast neighbour: %.2f (target >= 0.9)%n",
                median(fastRatios));
        System.out.printf(Locale.ROOT, "median ratio engine spilling/in-memory: %.2f (target >= 0.7)%n",
                median(engineRatios));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static Run run(long events, long slowMillis) throws Exception {
        Path state = Files.createTempDirectory("cdc-bench-backlog");
        try {
            Map<String, Object> generator = Map.of("count", events, "rate", 0, "keys", 100_000, "batch-size", 500);
            Pipeline p = Pipeline.builder("bench-backlog").source("generator", generator)
                    .checkpoint("file", Map.of("path", state.toString())).stateDirectory(state)
                    .engine(new EngineSettings(1024, 16_384, Duration.ofSeconds(1), Duration.ofSeconds(2),
                            Duration.ofMillis(200)))
                    .sink("fast", "discard", Map.of(), s -> s.backlog(FAST_BACKLOG))
                    .sink("other", "discard", Map.of("delay-per-batch", slowMillis + "ms"),
                            s -> s.backlog(new BacklogSettings(64L << 30, Optional.empty(),
                                    BacklogSettings.WhenFull.PAUSE)))
                    .build();
            long start = System.nanoTime();
            long cpuStart = processCpu();
            String cpu = "";
            p.start();
            long sourceDone = 0;
            long fastDone = 0;
            PipelineStatus.Backlog atSourceDone = PipelineStatus.Backlog.EMPTY;
            while (sourceDone == 0 || fastDone == 0) {
                PipelineStatus s = p.status();
                if (sourceDone == 0 && s.eventsCaptured() >= events) {
                    sourceDone = System.nanoTime();
                    atSourceDone = s.sinks().get(1).backlog();
                    cpu = cpuPerEvent(cpuStart, events);
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
                    atSourceDone.bytes(), atSourceDone.events(), cpu);
        } finally {
            try (Stream<Path> files = Files.walk(state)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
