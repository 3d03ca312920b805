package dev.cdc.core.bench;

import dev.cdc.core.spec.EngineSettings;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.plugins.generator.GeneratorSettings;
import dev.cdc.plugins.generator.SyntheticChanges;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Engine overhead: the generator source through the whole engine (fan-out, lanes, checkpoints) into
 * {@code discard} sinks, beside the generator's raw limit (making the same events in a loop, no
 * engine) measured in the same run. Not a test: run {@code scripts/bench-engine.sh [events] [sinks]}.
 */
public final class EngineBenchmark {

    public static void main(String[] args) throws Exception {
        long events = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        int sinks = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Map<String, Object> generator = Map.of("count", events, "rate", 0, "keys", 100_000, "batch-size", 500);

        // Warm up both paths once, then measure.
        raw(generator, Math.min(events, 300_000));
        engine(generator, Math.min(events, 300_000), sinks);
        double rawRate = raw(generator, events);
        double engineRate = engine(generator, events, sinks);
        System.out.printf(Locale.ROOT, "events: %,d; sinks: %d (discard)%n", events, sinks);
        System.out.printf(Locale.ROOT, "raw generator (no engine):  %,12.0f events/s%n", rawRate);
        System.out.printf(Locale.ROOT, "generator -> engine -> sink: %,12.0f events/s%n", engineRate);
        System.out.printf(Locale.ROOT, "ratio engine/raw: %.2f%n", engineRate / rawRate);
    }

    private static double raw(Map<String, Object> options, long events) {
        SyntheticChanges changes = new SyntheticChanges(GeneratorSettings.of(options));
        long start = System.nanoTime();
        long sink = 0;
        Instant now = Instant.now();
        for (long n = changes.firstChangeSequence(); n < changes.firstChangeSequence() + events; n++) {
            sink += changes.eventAt(n, now).position().sortKey().length();
        }
        long nanos = System.nanoTime() - start;
        if (sink == 42) {
            System.out.println();
        }
        return events / (nanos / 1e9);
    }

    private static double engine(Map<String, Object> options, long events, int sinks) throws Exception {
        Map<String, Object> opts = new java.util.HashMap<>(options);
        opts.put("count", events);
        var builder = Pipeline.builder("bench").source("generator", opts).checkpoint("memory", Map.of())
                .engine(new EngineSettings(1024, 16_384, Duration.ofSeconds(1), Duration.ofSeconds(30),
                        Duration.ofMillis(200)));
        for (int i = 0; i < sinks; i++) {
            builder.sink("discard-" + i, "discard", Map.of());
        }
        Pipeline p = builder.build();
        long start = System.nanoTime();
        p.start();
        if (!p.awaitTermination(Duration.ofMinutes(10)) || p.state() != PipelineState.COMPLETED) {
            throw new IllegalStateException("benchmark pipeline did not complete: " + p.state() + " " + p.failure());
        }
        long nanos = System.nanoTime() - start;
        return events / (nanos / 1e9);
    }
}
