package dev.cdc.core.runtime;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.schema.HeldChanges;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PipelineStatus;
import dev.cdc.plugins.checkpoint.FileCheckpointStore;
import dev.cdc.schema.compatibility.SchemaPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import static dev.cdc.core.runtime.SchemaEvolutionTest.T;
import static dev.cdc.core.runtime.SchemaEvolutionTest.V1;
import static dev.cdc.core.runtime.SchemaEvolutionTest.V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code schema-policy: manual} in the engine: the held lane stops at exactly the change (rows before
 * it written, rows after it not), the other lane goes on, the checkpoint stays before the change, the
 * held change is in the status and in {@code schema-pending/<sink>/}, a restart holds it again, and an
 * approval (applied as evolve) or a rejection (kept as ignore) lets the lane go on.
 */
class ManualSchemaPolicyTest {

    @TempDir
    Path state;

    /** The scripted stream, then waits for the pipeline to stop (a source that stays connected). */
    static final class OpenSource implements Source {
        private final ScriptedSource script;

        OpenSource(List<StreamEvent> events) {
            this.script = new ScriptedSource(events, 4);
        }

        @Override
        public void run(SourceContext context) throws Exception {
            script.run(context);
            while (!context.isStopping()) {
                Thread.sleep(10);
            }
        }

        @Override
        public void commit(Position position) {
        }

        @Override
        public void close() {
        }
    }

    Pipeline start(ShapedSink manual, ShapedSink evolving) {
        Map<String, Sink> sinks = new LinkedHashMap<>();
        sinks.put("held", manual);
        sinks.put("live", evolving);
        SchemaRestartTest restart = new SchemaRestartTest();
        restart.state = state;
        PipelineSpec base = restart.spec(List.of(), 4, sinks,
                Map.of("held", SchemaPolicy.MANUAL, "live", SchemaPolicy.EVOLVE));
        PipelineSpec spec = new PipelineSpec(base.name(), dev.cdc.core.spec.PluginSpec.ofInstance("source",
                new OpenSource(SchemaEvolutionTest.addColumnStream())), List.of(), List.of(), base.sinks(),
                dev.cdc.core.spec.PluginSpec.ofInstance("checkpoint", new FileCheckpointStore(state)), Optional.of(state),
                base.engine(), base.metrics());
        Pipeline p = Pipeline.create(spec, new SimpleMeterRegistry());
        p.start();
        return p;
    }

    HeldChanges held() {
        return HeldChanges.in(state, "held");
    }

    @Test
    void theManualLaneHoldsAtTheChangeSurvivesARestartAndGoesOnWhenApproved() throws Exception {
        ShapedSink manual = new ShapedSink();
        ShapedSink evolving = new ShapedSink();
        Pipeline p = start(manual, evolving);
        await(() -> evolving.state.size() == 19 && !held().held().isEmpty(), "the live sink done, the change held", p);
        awaitCheckpoint(p, 10);
        assertThat(manual.rows()).extracting(SchemaRestartTest::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L,
                10L);
        assertThat(manual.schemas.get(T)).isEqualTo(V1);
        assertThat(evolving.schemas.get(T)).isEqualTo(V2);
        PipelineStatus.SinkStatus status = p.status().sinks().get(0);
        assertThat(status.schemaChanges().held()).singleElement().satisfies(h -> {
            assertThat(h.table()).isEqualTo(T);
            assertThat(h.version()).isEqualTo(2);
            assertThat(h.position()).isEqualTo(Position.ofSequence(11));
            assertThat(h.changes()).isEqualTo("add column note string (FULL)");
            assertThat(h.approveCommand()).isEqualTo("cdc schema approve FILE held 2 --table shop.orders");
        });
        assertThat(p.status().sinks().get(1).schemaChanges().held()).isEmpty();
        assertThat(p.state()).isEqualTo(PipelineState.RUNNING);
        assertThat(Files.exists(state.resolve("schema-pending/held/shop.orders-v2.json"))).isTrue();
        p.stop();
        assertThat(p.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(p.state()).as("%s", p.failure()).isEqualTo(PipelineState.STOPPED);
        assertThat(checkpoint()).as("the checkpoint never passed the held change").isEqualTo(10);

        Pipeline again = start(manual, evolving);
        try {
            await(() -> !again.status().sinks().get(0).schemaChanges().held().isEmpty(), "held again", again);
            assertThat(manual.rows()).hasSize(10);
            held().decide(T, 2, HeldChanges.Verdict.APPROVED);
            await(() -> manual.state.size() == 19, "the held rows after the approval", again);
            assertThat(manual.schemas.get(T)).isEqualTo(V2);
            assertThat(manual.rows()).extracting(SchemaRestartTest::seq).filteredOn(n -> n > 11)
                    .containsExactly(12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
            assertThat(manual.state.values()).filteredOn(r -> r.has("note")).hasSize(9);
            awaitCheckpoint(again, 20);
            assertThat(again.status().sinks().get(0).schemaChanges().applied()).isEqualTo(1);
            assertThat(again.status().sinks().get(0).schemaChanges().held()).isEmpty();
            assertThat(held().held()).isEmpty();
            assertThat(held().verdict(T, 2)).as("an applied approval is cleared").isEmpty();
        } finally {
            again.stop();
            assertThat(again.awaitTermination(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void aRejectedChangeKeepsTheSinksSchemaAsIgnoreDoesAlsoAfterARestart() throws Exception {
        ShapedSink manual = new ShapedSink();
        ShapedSink evolving = new ShapedSink();
        Pipeline p = start(manual, evolving);
        try {
            await(() -> !held().held().isEmpty(), "the change held", p);
            held().decide(T, 2, HeldChanges.Verdict.REJECTED);
            await(() -> manual.state.size() == 19, "the rows after the rejection", p);
            awaitCheckpoint(p, 20);
            assertThat(manual.schemas.get(T)).isEqualTo(V1);
            assertThat(manual.state.values()).noneMatch(r -> r.has("note"));
            assertThat(p.status().sinks().get(0).schemaChanges().ignored()).isEqualTo(1);
            assertThat(held().held()).isEmpty();
            assertThatThrownBy(() -> held().decide(T, 2, HeldChanges.Verdict.APPROVED))
                    .hasMessageContaining("shop.orders v2 of sink 'held' was already rejected");
        } finally {
            p.stop();
            assertThat(p.awaitTermination(Duration.ofSeconds(10))).isTrue();
        }
        // a replay of the change (the checkpoint file removed) is skipped again without asking
        Files.delete(state.resolve("checkpoint.json"));
        Pipeline again = start(manual, evolving);
        try {
            awaitCheckpoint(again, 20);
            assertThat(again.status().sinks().get(0).schemaChanges().held()).isEmpty();
            assertThat(manual.schemas.get(T)).isEqualTo(V1);
            assertThat(manual.state.values()).noneMatch(r -> r.has("note"));
        } finally {
            again.stop();
            assertThat(again.awaitTermination(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void anApprovalRecordedWhileThePipelineIsStoppedIsAppliedAtTheNextStart() throws Exception {
        ShapedSink manual = new ShapedSink();
        ShapedSink evolving = new ShapedSink();
        Pipeline p = start(manual, evolving);
        await(() -> !held().held().isEmpty(), "the change held", p);
        p.stop();
        assertThat(p.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(held().held()).singleElement().satisfies(h -> assertThat(h.verdict()).isEmpty());
        held().decide(T, 2, HeldChanges.Verdict.APPROVED);
        assertThat(held().held()).singleElement().satisfies(h ->
                assertThat(h.verdict()).contains(HeldChanges.Verdict.APPROVED));

        Pipeline again = start(manual, evolving);
        try {
            awaitCheckpoint(again, 20);
            assertThat(manual.schemas.get(T)).isEqualTo(V2);
            assertThat(manual.state).hasSize(19);
            assertThat(manual.schemaChanges()).extracting(SchemaRestartTest::seq).containsExactly(0L, 11L);
            assertThat(held().held()).isEmpty();
        } finally {
            again.stop();
            assertThat(again.awaitTermination(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void manualNeedsAStateDirectory() {
        assertThatThrownBy(() -> dev.cdc.core.schema.SchemaGate.open("held", "test", SchemaPolicy.MANUAL,
                java.util.Set.of(), Optional.empty(), java.time.Clock.systemUTC()))
                .hasMessageContaining("sinks.held.schema-policy")
                .hasMessageContaining("is 'manual' but the pipeline has no state directory")
                .hasMessageContaining("checkpoint: {type: file, path: ...}");
    }

    long checkpoint() {
        return Long.parseLong(new FileCheckpointStore(state).load().orElseThrow().position().offset("sequence"));
    }

    void awaitCheckpoint(Pipeline p, long sequence) throws InterruptedException {
        await(() -> {
            p.checkpointNow();
            return new FileCheckpointStore(state).load().map(c -> c.position().offset("sequence"))
                    .map(s -> Long.parseLong(s) >= sequence).orElse(false);
        }, "the checkpoint at " + sequence, p);
        assertThat(checkpoint()).isEqualTo(sequence);
    }

    static void await(BooleanSupplier condition, String what, Pipeline p) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (p.state() == PipelineState.FAILED) {
                fail(what + ": the pipeline failed: " + p.failure());
            }
            if (System.nanoTime() > deadline) {
                fail("not within 20 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
