package dev.cdc.core.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.Source;
import dev.cdc.core.backfill.BackfillRecord;
import dev.cdc.core.backfill.BackfillState;
import dev.cdc.core.backfill.BackfillStore;
import dev.cdc.core.backfill.Backfills;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.EngineSettings;
import dev.cdc.core.spec.MetricsSettings;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PluginSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Backfills through a running pipeline: routing to the target sinks, durable resume points, offline queue, signal table. */
class BackfillPipelineTest {

    private static final TableId SIGNAL = TableId.of("public", "cdc_signal");

    @TempDir
    Path state;

    private PipelineSpec spec(Source source, MemoryStore store, Duration shutdownTimeout, Optional<TableId> signal,
                              Sink a, Sink b) {
        EngineSettings engine = new EngineSettings(100, 1000, Duration.ofMillis(20), shutdownTimeout,
                Duration.ofMillis(10), signal);
        return new PipelineSpec("bf", PluginSpec.ofInstance("source", source), List.of(), List.of(),
                List.of(PipelineRunnerTest.sink("a", a), PipelineRunnerTest.sink("b", b)),
                PluginSpec.ofInstance("checkpoint", store), Optional.of(state), engine,
                new MetricsSettings(OptionalInt.empty(), "127.0.0.1", Duration.ofSeconds(60)));
    }

    private static Set<Integer> backfilledKeys(RecordingSink sink) {
        return sink.durable.stream().filter(e -> e.operation() == Operation.READ)
                .map(e -> ((Number) e.key().get("id")).intValue()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static long liveEvents(RecordingSink sink) {
        return sink.durable.stream().filter(e -> e.operation() == Operation.UPDATE).count();
    }

    @Test
    void aBackfillForOneSinkReachesOnlyThatSinkAndEndsDone() throws Exception {
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        BackfillSource source = new BackfillSource(95, 10, List.of(), Integer.MAX_VALUE, true);
        new BackfillStore(state).queue(new BackfillRequest("only-b", BackfillSource.ITEMS, Optional.empty(), List.of(),
                Set.of("b"), Optional.empty()), Instant.now());

        Pipeline p = PipelineRunnerTest.run(spec(source, new MemoryStore(), Duration.ofSeconds(10), Optional.empty(),
                a, b));

        assertThat(p.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(backfilledKeys(b)).hasSize(95).contains(1, 95);
        assertThat(backfilledKeys(a)).as("sink a is not rewritten").isEmpty();
        assertThat(liveEvents(a)).as("live events still reach every sink").isEqualTo(10).isEqualTo(liveEvents(b));
        BackfillRecord r = new BackfillStore(state).find("only-b").orElseThrow();
        assertThat(r.state()).isEqualTo(BackfillState.DONE);
        assertThat(r.rows()).isEqualTo(95);
        assertThat(r.request().resumeAfter()).contains(List.of("95"));
        assertThat(p.backfills().status("only-b").orElseThrow().state()).isEqualTo(BackfillState.DONE);
    }

    @Test
    void theResumePointIsOnlyWhatTheCheckpointCoversAndARestartResumesThere() throws Exception {
        // run 1: sink b never takes the 3rd chunk (keys 21..30); the stop times out and interrupts it
        RecordingSink a = new RecordingSink();
        BlockingSink b = new BlockingSink(21);
        BackfillSource first = new BackfillSource(50, 10, List.of(), 3, true);
        first.pauseMillis = 150;
        MemoryStore checkpoints = new MemoryStore();
        Pipeline p1 = Pipeline.create(spec(first, checkpoints, Duration.ofMillis(500), Optional.empty(), a, b));
        p1.backfills().request(BackfillRequest.table("items-all", BackfillSource.ITEMS));
        p1.start();
        long until = System.currentTimeMillis() + 10_000;
        while (first.chunkStarts.getOrDefault("items-all", List.of()).size() < 3 && System.currentTimeMillis() < until) {
            Thread.sleep(10);
        }
        Thread.sleep(200);
        BackfillRecord during = new BackfillStore(state).find("items-all").orElseThrow();
        assertThat(during.request().resumeAfter()).as("chunk 3 is not durable in b").contains(List.of("20"));
        p1.stop();
        assertThat(p1.awaitTermination(Duration.ofSeconds(20))).isTrue();
        assertThat(backfilledKeys(a)).as("sink a took chunk 3").contains(30);
        BackfillRecord after = new BackfillStore(state).find("items-all").orElseThrow();
        assertThat(after.state()).isEqualTo(BackfillState.RUNNING);
        assertThat(after.request().resumeAfter()).as("never ahead of the checkpoint").contains(List.of("20"));
        assertThat(after.rows()).isEqualTo(20);

        // run 2: a new process (same state): resumes after key 20, never before and never after
        RecordingSink a2 = new RecordingSink();
        RecordingSink b2 = new RecordingSink();
        BackfillSource second = new BackfillSource(50, 10, List.of(), Integer.MAX_VALUE, true);
        Pipeline p2 = PipelineRunnerTest.run(spec(second, checkpoints, Duration.ofSeconds(10), Optional.empty(), a2,
                b2));
        assertThat(p2.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(second.chunkStarts.get("items-all")).containsExactly(21, 31, 41);
        assertThat(backfilledKeys(b2)).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(21, 50).boxed().toList());
        BackfillRecord done = new BackfillStore(state).find("items-all").orElseThrow();
        assertThat(done.state()).isEqualTo(BackfillState.DONE);
        assertThat(done.rows()).isEqualTo(50);
    }

    @Test
    void aSignalTableInsertAsksForABackfillAndItsEventsReachNoSink() throws Exception {
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        ChangeEvent signal = BackfillSource.row(SIGNAL, 7, "type", "backfill", "data",
                "{\"table\": \"shop.items\", \"sinks\": [\"a\"]}");
        ChangeEvent ignored = BackfillSource.row(SIGNAL, 8, "type", "pause", "data", "{}");
        BackfillSource source = new BackfillSource(30, 10, List.of(signal, ignored), Integer.MAX_VALUE, true);

        Pipeline p = PipelineRunnerTest.run(spec(source, new MemoryStore(), Duration.ofSeconds(10), Optional.of(SIGNAL),
                a, b));

        assertThat(p.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(source.chunkStarts).containsOnlyKeys("signal-7");
        assertThat(backfilledKeys(a)).hasSize(30);
        assertThat(backfilledKeys(b)).isEmpty();
        assertThat(a.durable).noneMatch(e -> e.table().equals(SIGNAL));
        assertThat(b.durable).noneMatch(e -> e.table().equals(SIGNAL));
        assertThat(new BackfillStore(state).find("signal-7").orElseThrow().state()).isEqualTo(BackfillState.DONE);
    }

    @Test
    void requestsAreRefusedWithAClearReason() throws Exception {
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        BackfillSource cannot = new BackfillSource(10, 10, List.of(), 0, false);
        Pipeline p = Pipeline.create(spec(cannot, new MemoryStore(), Duration.ofSeconds(5), Optional.empty(), a, b));
        assertThatThrownBy(() -> p.backfills().request(new BackfillRequest("x", BackfillSource.ITEMS, Optional.empty(),
                List.of(), Set.of("nosuch"), Optional.empty())))
                .isInstanceOf(Backfills.Refused.class).hasMessageContaining("has no sink 'nosuch' (its sinks: a, b)");
        p.backfills().request(BackfillRequest.table("early", BackfillSource.ITEMS));
        assertThatThrownBy(() -> p.backfills().request(BackfillRequest.table("early", BackfillSource.ITEMS)))
                .isInstanceOf(Backfills.Refused.class).matches(e -> ((Backfills.Refused) e).conflict());
        p.start();
        assertThat(p.backfills().status("early").orElseThrow().state()).isEqualTo(BackfillState.FAILED);
        assertThat(p.backfills().status("early").orElseThrow().error().orElseThrow())
                .contains("(type " + p.spec().source().type() + ") cannot backfill");
        assertThatThrownBy(() -> p.backfills().request(BackfillRequest.table("late", BackfillSource.ITEMS)))
                .isInstanceOf(Backfills.Refused.class).hasMessageContaining("cannot backfill");
        p.stop();
        assertThat(p.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aTableTheSourceDoesNotCaptureFailsTheRequest() throws Exception {
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        BackfillSource source = new BackfillSource(10, 10, List.of(), Integer.MAX_VALUE, true);
        new BackfillStore(state).queue(BackfillRequest.table("other", TableId.of("shop", "other")), Instant.now());
        Pipeline p = PipelineRunnerTest.run(spec(source, new MemoryStore(), Duration.ofSeconds(5), Optional.empty(),
                a, b));
        assertThat(p.state()).isEqualTo(PipelineState.COMPLETED);
        BackfillRecord r = new BackfillStore(state).find("other").orElseThrow();
        assertThat(r.state()).isEqualTo(BackfillState.FAILED);
        assertThat(r.error()).contains("table shop.other is not captured");
        assertThat(new ObjectMapper().readTree(new BackfillStore(state).file("other").toFile()).path("state").asText())
                .isEqualTo("failed");
    }

    /** A sink that never returns from a write holding a key >= {@code from} (until interrupted). */
    static final class BlockingSink implements Sink {
        private final int from;
        final RecordingSink inner = new RecordingSink();

        BlockingSink(int from) {
            this.from = from;
        }

        @Override
        public void write(List<ChangeEvent> events) throws Exception {
            for (ChangeEvent e : events) {
                if (e.operation() == Operation.READ && ((Number) e.key().get("id")).intValue() >= from) {
                    Thread.sleep(Long.MAX_VALUE);
                }
            }
            inner.write(events);
        }

        @Override
        public void flush() {
            inner.flush();
        }

        @Override
        public void close() {
        }
    }
}
