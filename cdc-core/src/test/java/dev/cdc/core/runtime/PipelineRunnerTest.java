package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.spi.Checkpoint;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.Source;
import dev.cdc.core.spec.EngineSettings;
import dev.cdc.core.spec.FailurePolicy;
import dev.cdc.core.spec.MetricsSettings;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineListener;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PluginSpec;
import dev.cdc.core.spec.RetrySettings;
import dev.cdc.core.spec.SinkSpec;
import dev.cdc.format.EnvelopeHeaders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineRunnerTest {

    static final RetrySettings FAST_RETRY = new RetrySettings(5, Duration.ofMillis(5), 2.0, Duration.ofMillis(50), 0.1,
            List.of("retriable"));

    static SinkSpec sink(String name, Sink s, RetrySettings retry, FailurePolicy policy, Sink deadLetter, int batch,
                         int capacity) {
        return new SinkSpec(name, PluginSpec.ofInstance(name, s), retry, policy,
                Optional.ofNullable(deadLetter).map(d -> PluginSpec.ofInstance(name + ".dead-letter", d)), List.of(),
                List.of(), batch, capacity);
    }

    static SinkSpec sink(String name, Sink s) {
        return sink(name, s, FAST_RETRY, FailurePolicy.FAIL, null, 100, 1000);
    }

    static PipelineSpec spec(Source source, MemoryStore store, SinkSpec... sinks) {
        return new PipelineSpec("test", PluginSpec.ofInstance("source", source), List.of(), List.of(), List.of(sinks),
                PluginSpec.ofInstance("checkpoint", store), Optional.empty(),
                new EngineSettings(100, 1000, Duration.ofMillis(20), Duration.ofSeconds(10), Duration.ofMillis(10)),
                new MetricsSettings(OptionalInt.empty(), "127.0.0.1", Duration.ofSeconds(60)));
    }

    static long seq(ChangeEvent e) {
        return Long.parseLong(e.position().offset("sequence"));
    }

    static Pipeline run(PipelineSpec spec) throws InterruptedException {
        Pipeline p = Pipeline.create(spec);
        p.start();
        assertThat(p.awaitTermination(Duration.ofSeconds(30))).as("pipeline terminated").isTrue();
        return p;
    }

    /** Asserts at every checkpoint that no sink holds less than the checkpoint covers. */
    static PipelineListener checkpointNeverAhead(RecordingSink... sinks) {
        return new PipelineListener() {
            @Override
            public void onCheckpoint(Checkpoint checkpoint) {
                long cp = Long.parseLong(checkpoint.position().offset("sequence"));
                for (RecordingSink s : sinks) {
                    assertThat(s.maxDurableSequence()).as("sink durable >= checkpoint").isGreaterThanOrEqualTo(cp);
                }
            }
        };
    }

    @Test
    void deliversEveryEventToEverySinkAndCheckpointsTheEnd() throws Exception {
        TestSource source = new TestSource(5_000, 37, 100);
        MemoryStore store = new MemoryStore();
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        Pipeline p = run(spec(source, store, sink("a", a), sink("b", b)));

        assertThat(p.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(a.durable).extracting(PipelineRunnerTest::seq).containsExactlyElementsOf(range(0, 5_000));
        assertThat(b.durable).extracting(PipelineRunnerTest::seq).containsExactlyElementsOf(range(0, 5_000));
        assertThat(store.lastSequence()).isEqualTo(4_999);
        assertThat(source.commits).last().isEqualTo(Position.ofSequence(4_999));
        assertThat(source.closed).isTrue();
        assertThat(a.closed).isTrue();
        assertThat(p.status().sinks()).allSatisfy(s -> assertThat(s.written()).isEqualTo(5_000));
    }

    @Test
    void aFailingSinkIsRetriedWhileTheOtherCarriesOn() throws Exception {
        TestSource source = new TestSource(2_000, 50, 100);
        MemoryStore store = new MemoryStore();
        RecordingSink flaky = new RecordingSink();
        flaky.failFirstWrites = 3;
        RecordingSink healthy = new RecordingSink();
        Pipeline p = Pipeline.create(spec(source, store, sink("flaky", flaky), sink("healthy", healthy)));
        p.addListener(checkpointNeverAhead(flaky, healthy));
        p.start();
        assertThat(p.awaitTermination(Duration.ofSeconds(30))).isTrue();

        assertThat(p.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(flaky.writeCalls.get()).isGreaterThan(3);
        assertThat(flaky.durable).extracting(PipelineRunnerTest::seq).containsExactlyElementsOf(range(0, 2_000));
        assertThat(healthy.durable).extracting(PipelineRunnerTest::seq).containsExactlyElementsOf(range(0, 2_000));
        var flakyStatus = p.status().sinks().stream().filter(s -> s.name().equals("flaky")).findFirst().orElseThrow();
        assertThat(flakyStatus.retries()).isEqualTo(3);
        assertThat(flakyStatus.failed()).isZero();
    }

    @Test
    void failPolicyStopsThePipelineWithoutMovingTheCheckpointPastTheFailedEvent() throws Exception {
        TestSource source = new TestSource(0, 10, 100);
        MemoryStore store = new MemoryStore();
        RecordingSink bad = new RecordingSink();
        bad.rejectForever = e -> seq(e) == 1_234;
        RecordingSink good = new RecordingSink();
        Pipeline p = Pipeline.create(spec(source, store, sink("bad", bad), sink("good", good)));
        p.addListener(checkpointNeverAhead(bad, good));
        p.start();
        assertThat(p.awaitTermination(Duration.ofSeconds(30))).isTrue();

        assertThat(p.state()).isEqualTo(PipelineState.FAILED);
        assertThat(p.failure()).get().asString().contains("sink 'bad'").contains("test.items").contains("sequence=1234");
        assertThat(store.lastSequence()).isLessThan(1_234);
        assertThat(bad.durable).noneMatch(e -> seq(e) >= 1_234);
        assertThat(good.maxDurableSequence()).isGreaterThanOrEqualTo(store.lastSequence());

        // Restarting resumes at the checkpoint: the failed event is delivered again (here to a fixed sink).
        RecordingSink fixed = new RecordingSink();
        TestSource again = new TestSource(1_300, 10, 100);
        run(spec(again, store, sink("bad", fixed)));
        assertThat(fixed.durable).extracting(PipelineRunnerTest::seq).contains(1_234L);
        assertThat(seq(fixed.durable.get(0))).isLessThanOrEqualTo(1_234L);
    }

    @Test
    void deadLetterPolicyWritesTheEventAndItsErrorAndGoesOn() throws Exception {
        TestSource source = new TestSource(1_000, 20, 100);
        MemoryStore store = new MemoryStore();
        RecordingSink sink = new RecordingSink();
        sink.rejectForever = e -> seq(e) == 500 || seq(e) == 777;
        RecordingSink dlq = new RecordingSink();
        Pipeline p = run(spec(source, store, sink("s", sink, FAST_RETRY, FailurePolicy.DEAD_LETTER, dlq, 100, 1000)));

        assertThat(p.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(dlq.durable).extracting(PipelineRunnerTest::seq).containsExactly(500L, 777L);
        ChangeEvent letter = dlq.durable.get(0);
        assertThat(letter.header(EnvelopeHeaders.ERROR_MESSAGE)).get().asString().contains("rejected");
        assertThat(letter.header(EnvelopeHeaders.ERROR_SINK)).contains("s");
        assertThat(letter.header(EnvelopeHeaders.ERROR_CLASS)).contains(IllegalArgumentException.class.getName());
        List<Long> expected = new ArrayList<>(range(0, 1_000));
        expected.remove(Long.valueOf(500));
        expected.remove(Long.valueOf(777));
        assertThat(sink.durable).extracting(PipelineRunnerTest::seq).containsExactlyElementsOf(expected);
        assertThat(store.lastSequence()).isEqualTo(999);
        assertThat(p.status().sinks().get(0).deadLettered()).isEqualTo(2);
    }

    @Test
    void partialWriteFailuresGoToTheDeadLetterWithoutRewritingTheRest() throws Exception {
        TestSource source = new TestSource(300, 30, 1000);
        RecordingSink sink = new RecordingSink();
        sink.partial = true;
        sink.rejectForever = e -> seq(e) % 100 == 7;
        RecordingSink dlq = new RecordingSink();
        run(spec(source, new MemoryStore(), sink("s", sink, FAST_RETRY, FailurePolicy.DEAD_LETTER, dlq, 100, 1000)));

        assertThat(dlq.durable).extracting(PipelineRunnerTest::seq).containsExactly(7L, 107L, 207L);
        assertThat(dlq.durable.get(0).header(EnvelopeHeaders.ERROR_MESSAGE)).contains("mapping rejected {id=7}");
        assertThat(sink.durable).hasSize(297).doesNotHaveDuplicates();
    }

    @Test
    void skipPolicyCountsAndGoesOn() throws Exception {
        TestSource source = new TestSource(500, 25, 100);
        RecordingSink sink = new RecordingSink();
        sink.rejectForever = e -> seq(e) == 42;
        Pipeline p = run(spec(source, new MemoryStore(), sink("s", sink, FAST_RETRY, FailurePolicy.SKIP, null, 100, 1000)));

        assertThat(p.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(sink.durable).hasSize(499).noneMatch(e -> seq(e) == 42);
        assertThat(p.status().sinks().get(0).skipped()).isEqualTo(1);
    }

    @Test
    void aSlowSinkBacksUpToTheSourceInsteadOfBuffering() throws Exception {
        TestSource source = new TestSource(0, 10, 50);
        RecordingSink slow = new RecordingSink();
        slow.delayMillis = 5;
        int capacity = 200;
        AtomicLong maxInFlight = new AtomicLong();
        Pipeline p = Pipeline.create(spec(source, new MemoryStore(), sink("slow", slow, FAST_RETRY, FailurePolicy.FAIL,
                null, 50, capacity)));
        p.start();
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < until) {
            long inFlight = source.emitted - (slow.maxDurableSequence() + 1);
            maxInFlight.accumulateAndGet(inFlight, Math::max);
            assertThat(p.status().sinks().get(0).queueDepth()).isLessThanOrEqualTo(capacity);
            Thread.sleep(2);
        }
        p.stop();
        assertThat(p.awaitTermination(Duration.ofSeconds(10))).isTrue();
        // Emitted but not yet durable: at most the queue, the batch being written and the batch being emitted.
        assertThat(maxInFlight.get()).isLessThanOrEqualTo(capacity + 50 + 10 + 10);
        assertThat(slow.durable.size()).isGreaterThan(100);
    }

    @Test
    void gracefulStopDrainsAndRestartContinuesWithoutGapOrDuplicate() throws Exception {
        MemoryStore store = new MemoryStore();
        RecordingSink first = new RecordingSink();
        Pipeline p = Pipeline.create(spec(new TestSource(0, 10, 100), store, sink("s", first)));
        p.start();
        while (first.durable.size() < 3_000) {
            Thread.sleep(5);
        }
        p.stop();
        assertThat(p.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(p.state()).isEqualTo(PipelineState.STOPPED);
        assertThat(store.lastSequence()).isEqualTo(first.maxDurableSequence());

        RecordingSink second = new RecordingSink();
        long end = first.maxDurableSequence() + 1_000;
        run(spec(new TestSource(end + 1, 10, 100), store, sink("s", second)));
        List<Long> all = new ArrayList<>();
        first.durable.forEach(e -> all.add(seq(e)));
        second.durable.forEach(e -> all.add(seq(e)));
        assertThat(all).containsExactlyElementsOf(range(0, end + 1));
    }

    @Test
    void eventsOfOneKeyReachTheSinkInSourceOrderAcrossRetries() throws Exception {
        RecordingSink sink = new RecordingSink();
        sink.failFirstWrites = 2;
        run(spec(new TestSource(3_000, 7, 13), new MemoryStore(), sink("s", sink)));
        Map<Object, Long> last = new HashMap<>();
        for (ChangeEvent e : sink.durable) {
            Long prev = last.put(e.key().get("id"), seq(e));
            if (prev != null) {
                assertThat(seq(e)).isGreaterThan(prev);
            }
        }
        assertThat(sink.durable).hasSize(3_000);
    }

    @Test
    void aDeadLetterTargetThatFailsTooStopsThePipeline() throws Exception {
        RecordingSink sink = new RecordingSink();
        sink.rejectForever = e -> seq(e) == 10;
        RecordingSink dlq = new RecordingSink();
        dlq.rejectForever = e -> true;
        MemoryStore store = new MemoryStore();
        Pipeline p = run(spec(new TestSource(100, 5, 100), store,
                sink("s", sink, FAST_RETRY, FailurePolicy.DEAD_LETTER, dlq, 100, 1000)));
        assertThat(p.state()).isEqualTo(PipelineState.FAILED);
        assertThat(p.failure()).get().asString().contains("dead-letter target failed too");
        assertThat(store.lastSequence()).isLessThan(10);
    }

    @Test
    void aSourceFailureFailsThePipelineAfterDeliveringWhatItEmitted() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Source broken = new Source() {
            @Override
            public void run(dev.cdc.api.spi.SourceContext context) throws Exception {
                runs.incrementAndGet();
                List<ChangeEvent> out = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    out.add(TestSource.event(i, 100));
                }
                context.emit(out);
                throw new IllegalStateException("replication slot vanished");
            }

            @Override
            public void close() {
            }
        };
        MemoryStore store = new MemoryStore();
        RecordingSink sink = new RecordingSink();
        Pipeline p = run(spec(broken, store, sink("s", sink)));
        assertThat(p.state()).isEqualTo(PipelineState.FAILED);
        assertThat(p.failure()).get().asString().contains("replication slot vanished");
        assertThat(sink.durable).hasSize(50);
        assertThat(store.lastSequence()).isEqualTo(49);
    }

    @Test
    void metricsCountCapturedWrittenAndCheckpoints() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RecordingSink sink = new RecordingSink();
        Pipeline p = Pipeline.create(spec(new TestSource(1_000, 10, 100), new MemoryStore(), sink("s", sink)), registry);
        List<PipelineState> states = new CopyOnWriteArrayList<>();
        p.addListener(new PipelineListener() {
            @Override
            public void onStateChange(PipelineState from, PipelineState to) {
                states.add(to);
            }
        });
        p.start();
        assertThat(p.awaitTermination(Duration.ofSeconds(30))).isTrue();
        assertThat(registry.get("cdc.events.captured").counter().count()).isEqualTo(1_000);
        assertThat(registry.get("cdc.sink.events.written").tag("sink", "s").counter().count()).isEqualTo(1_000);
        assertThat(registry.get("cdc.checkpoint.commits").counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(registry.get("cdc.sink.queue.depth").gauge().value()).isZero();
        assertThat(registry.get("cdc.pipeline.state").gauge().value()).isEqualTo(PipelineState.COMPLETED.ordinal());
        assertThat(states).containsSubsequence(PipelineState.STARTING, PipelineState.RUNNING, PipelineState.STOPPING,
                PipelineState.COMPLETED);
    }

    @Test
    void aLaggingSinkRaisesAnAlertAndClearsItWhenItCatchesUp() throws Exception {
        TestSource source = new TestSource(400, 10, 100);
        RecordingSink slow = new RecordingSink();
        slow.delayMillis = 40;
        PipelineSpec base = spec(source, new MemoryStore(), sink("slow", slow, FAST_RETRY, FailurePolicy.FAIL, null, 10, 50));
        PipelineSpec spec = new PipelineSpec(base.name(), base.source(), base.filters(), base.transforms(), base.sinks(),
                base.checkpoint(), base.stateDirectory(), base.engine(),
                new MetricsSettings(OptionalInt.empty(), "127.0.0.1", Duration.ofMillis(150)));
        List<String> alerts = new CopyOnWriteArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Pipeline p = Pipeline.create(spec, registry);
        p.addListener(new PipelineListener() {
            @Override
            public void onLagAlert(String sink, Duration lag, Duration threshold) {
                alerts.add("alert " + sink);
                assertThat(lag).isGreaterThan(threshold);
            }

            @Override
            public void onLagRecovered(String sink, Duration lag) {
                alerts.add("recovered " + sink);
            }
        });
        p.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (alerts.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(alerts).startsWith("alert slow");
        assertThat(registry.get("cdc.pipeline.lag.alert").gauge().value()).isEqualTo(1.0);
        slow.delayMillis = 0;
        assertThat(p.awaitTermination(Duration.ofSeconds(30))).isTrue();
        assertThat(slow.durable).hasSize(400);
    }

    @Test
    void retriablePartialFailuresAreRetriedUntilTheyAreWritten() throws Exception {
        RecordingSink sink = new RecordingSink();
        sink.partial = true;
        java.util.Set<Long> throttledOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();
        sink.rejectForever = e -> seq(e) % 50 == 3 && throttledOnce.add(seq(e));
        sink.retriablePartialFailures = Integer.MAX_VALUE;
        RecordingSink dlq = new RecordingSink();
        Pipeline p = run(spec(new TestSource(500, 25, 1000), new MemoryStore(),
                sink("s", sink, FAST_RETRY, FailurePolicy.DEAD_LETTER, dlq, 100, 1000)));

        assertThat(p.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(dlq.durable).isEmpty();
        assertThat(sink.durable).extracting(PipelineRunnerTest::seq).containsExactlyInAnyOrderElementsOf(range(0, 500));
        assertThat(p.status().sinks().get(0).retries()).isPositive();
    }

    static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }
}
