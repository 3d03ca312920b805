package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.plugins.generator.GeneratorSettings;
import dev.cdc.plugins.generator.SyntheticChanges;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CPU time per event of the backlog codec alone, on the generator's rows (the batches
 * {@code scripts/bench-backlog.sh} spills): encode and decode, one thread, warm. Prints
 * microseconds of CPU time per event and bytes per event. Not a test: run
 * {@code scripts/bench-engine.sh} with {@code CDC_BENCH_MAIN=dev.cdc.core.runtime.BacklogCodecBenchmark}.
 */
public final class BacklogCodecBenchmark {

    /** The thread's CPU time, not the wall clock: the figure holds on a machine other processes load. */
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        SyntheticChanges changes = new SyntheticChanges(GeneratorSettings.of(Map.of("count", 1_000_000,
                "keys", 100_000, "batch-size", 500)));
        List<LaneBatch> batches = new ArrayList<>();
        long seq = changes.firstChangeSequence() + 500_000; // past the first touch of each key: updates too
        Instant now = Instant.now();
        for (int b = 0; b < 20; b++) {
            List<LaneEntry> entries = new ArrayList<>();
            for (int i = 0; i < 500; i++, seq++) {
                entries.add(LaneEntry.row((ChangeEvent) changes.eventAt(seq, now), seq));
            }
            ChangeEvent last = (ChangeEvent) entries.get(entries.size() - 1).event();
            batches.add(new LaneBatch(entries, seq - 1, last.position(), now, now));
        }
        for (int pass = 0; pass < 3; pass++) {
            long bytes = 0;
            long events = 0;
            long encodeNanos = 0;
            long decodeNanos = 0;
            for (int r = 0; r < rounds / 3; r++) {
                for (LaneBatch batch : batches) {
                    long t0 = CPU.getCurrentThreadCpuTime();
                    byte[] encoded = BacklogCodec.encode(batch);
                    long t1 = CPU.getCurrentThreadCpuTime();
                    LaneBatch back = BacklogCodec.decode(encoded);
                    long t2 = CPU.getCurrentThreadCpuTime();
                    encodeNanos += t1 - t0;
                    decodeNanos += t2 - t1;
                    bytes += encoded.length;
                    events += back.entries().size();
                }
            }
            System.out.printf(Locale.ROOT, "pass %d: %,d events: encode %.2f us/event, decode %.2f us/event (CPU), "
                    + "%.1f bytes/event%n", pass, events, encodeNanos / 1e3 / events, decodeNanos / 1e3 / events,
                    (double) bytes / events);
        }
    }
}
