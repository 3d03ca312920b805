package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.spi.Sink;
import dev.cdc.plugins.checkpoint.FileCheckpointStore;
import dev.cdc.core.spec.EngineSettings;
import dev.cdc.core.spec.FailurePolicy;
import dev.cdc.core.spec.MetricsSettings;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PipelineStatus;
import dev.cdc.core.spec.PluginSpec;
import dev.cdc.core.spec.SinkSpec;
import dev.cdc.schema.compatibility.SchemaPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static dev.cdc.core.runtime.SchemaEvolutionTest.T;
import static dev.cdc.core.runtime.SchemaEvolutionTest.V1;
import static dev.cdc.core.runtime.SchemaEvolutionTest.V2;
import static dev.cdc.core.runtime.SchemaEvolutionTest.V3_WIDE;
import static dev.cdc.core.runtime.SchemaEvolutionTest.row;
import static dev.cdc.core.runtime.SchemaEvolutionTest.schema;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schema changes across restarts: sinks under different policies in one pipeline, a policy
 * changed between runs, a sink added later, and sources that do not announce their schemas again.
 * The sinks keep their state across runs, as real targets do.
 */
class SchemaRestartTest {

    @TempDir
    Path state;

    PipelineSpec spec(List<StreamEvent> events, int batch, Map<String, Sink> sinks, Map<String, SchemaPolicy> policies) {
        List<SinkSpec> specs = new ArrayList<>();
        sinks.forEach((name, sink) -> specs.add(new SinkSpec(name, PluginSpec.ofInstance(name, sink),
                PipelineRunnerTest.FAST_RETRY, FailurePolicy.FAIL, Optional.empty(), List.of(), List.of(), 100, 1000,
                Optional.ofNullable(policies.get(name)))));
        return new PipelineSpec("schema-restart", PluginSpec.ofInstance("source", new ScriptedSource(events, batch)),
                List.of(), List.of(), specs, PluginSpec.ofInstance("checkpoint", new FileCheckpointStore(state)),
                Optional.of(state),
                new EngineSettings(100, 1000, Duration.ofMillis(20), Duration.ofSeconds(10), Duration.ofMillis(10)),
                new MetricsSettings(OptionalInt.empty(), "127.0.0.1", Duration.ofSeconds(60)));
    }

    Pipeline run(PipelineSpec spec) throws InterruptedException {
        Pipeline p = Pipeline.create(spec, new SimpleMeterRegistry());
        p.start();
        assertThat(p.awaitTermination(Duration.ofSeconds(30))).as("pipeline terminated").isTrue();
        return p;
    }

    long checkpoint() {
        return Long.parseLong(new FileCheckpointStore(state).load().orElseThrow().position().offset("sequence"));
    }

    static long seq(StreamEvent e) {
        return Long.parseLong(e.position().offset("sequence"));
    }

    /** 0: v1; 1..10; 11: add note; 12..20 with note; 21: note dropped again; 22..30 without. */
    static List<StreamEvent> addThenDrop() {
        List<StreamEvent> events = new ArrayList<>(SchemaEvolutionTest.addColumnStream());
        events.add(schema(21, V1));
        for (long n = 22; n <= 30; n++) {
            events.add(row(n, false));
        }
        return events;
    }

    @Test
    void aSinkThatMigratedPastTheCheckpointIsNotSentRowsOfAnOlderShapeAfterARestart() throws Exception {
        ShapedSink evolving = new ShapedSink();
        ShapedSink failing = new ShapedSink();
        Map<String, Sink> sinks = new LinkedHashMap<>();
        sinks.put("a", evolving);
        sinks.put("b", failing);
        // one batch: sink a runs through both changes while sink b stops at the first
        Pipeline p = run(spec(addThenDrop(), 50, sinks, Map.of("a", SchemaPolicy.EVOLVE, "b", SchemaPolicy.FAIL)));
        assertThat(p.state()).isEqualTo(PipelineState.FAILED);
        assertThat(checkpoint()).isEqualTo(10);
        assertThat(evolving.schemaChanges()).extracting(StreamEvent::position)
                .containsExactly(Position.ofSequence(0), Position.ofSequence(11), Position.ofSequence(21));
        assertThat(evolving.schemas.get(T)).isEqualTo(V1);
        assertThat(p.status().sinks()).extracting(s -> s.name(), s -> s.schemaChanges()).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", new PipelineStatus.SchemaChanges(2, 0, 0)),
                org.assertj.core.groups.Tuple.tuple("b", new PipelineStatus.SchemaChanges(0, 0, 1)));

        // sink b may now evolve: the replay from 11 must not give sink a rows with 'note' again
        Pipeline p2 = run(spec(addThenDrop(), 50, sinks, Map.of("a", SchemaPolicy.EVOLVE, "b", SchemaPolicy.EVOLVE)));
        assertThat(p2.failure()).isEmpty();
        assertThat(p2.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(checkpoint()).isEqualTo(30);
        // the replayed change at 11 is older than what sink a applied: not sent; 21 is told again, with no changes
        assertThat(evolving.schemaChanges()).extracting(SchemaRestartTest::seq).containsExactly(0L, 11L, 21L, 21L);
        assertThat(evolving.schemaChanges().get(3).changes()).isEmpty();
        assertThat(evolving.rows()).extracting(SchemaRestartTest::seq).filteredOn(n -> n > 11 && n < 21)
                .as("rows 12..20 written once, in the first run").hasSize(9);
        assertThat(evolving.state).hasSize(28).allSatisfy((k, r) -> assertThat(r.has("note")).isFalse());
        assertThat(failing.schemaChanges()).extracting(c -> seq(c)).containsExactly(0L, 11L, 21L);
        assertThat(failing.state).hasSize(28).allSatisfy((k, r) -> assertThat(r.has("note")).isFalse());
    }

    @Test
    void aSinkSwitchedFromIgnoreToEvolveGetsTheAccumulatedMigrationBeforeTheFirstRowOfTheNewShape() throws Exception {
        // 0: v1, 1..10, 11: add note, 12..15, 16: qty int32 -> int64, 17..20
        List<StreamEvent> all = new ArrayList<>(SchemaEvolutionTest.addColumnStream().subList(0, 16));
        all.add(schema(16, V3_WIDE));
        for (long n = 17; n <= 20; n++) {
            all.add(ChangeEvent.insert(T, Row.of("id", n), Row.of("id", n, "qty", n, "note", "n" + n), Instant.EPOCH,
                    Position.ofSequence(n)));
        }
        ShapedSink sink = new ShapedSink();
        Map<String, Sink> first = Map.of("s", sink);
        run(spec(all.subList(0, 19), 4, first, Map.of("s", SchemaPolicy.IGNORE))); // up to row 18
        assertThat(checkpoint()).isEqualTo(18);
        assertThat(sink.schemas.get(T)).isEqualTo(V1);

        // evolve now, and a new sink joins; the source announces nothing again (it resumes after 18)
        ShapedSink added = new ShapedSink();
        Map<String, Sink> sinks = new LinkedHashMap<>();
        sinks.put("s", sink);
        sinks.put("n", added);
        Pipeline p = run(spec(all, 4, sinks, Map.of("s", SchemaPolicy.EVOLVE)));
        assertThat(p.failure()).isEmpty();
        assertThat(p.state()).isEqualTo(PipelineState.COMPLETED);
        SchemaChangeEvent migration = sink.schemaChanges().get(sink.schemaChanges().size() - 1);
        assertThat(migration.before()).contains(V1);
        assertThat(migration.after()).contains(V3_WIDE);
        assertThat(migration.changes()).extracting(SchemaChange::kind)
                .containsExactly(SchemaChangeKind.ADD_COLUMN, SchemaChangeKind.ALTER_COLUMN_TYPE);
        assertThat(sink.durable.get(sink.durable.size() - 3)).isSameAs(migration); // before rows 19 and 20
        assertThat(sink.rows()).last().satisfies(r -> assertThat(r.after().orElseThrow().has("note")).isTrue());
        assertThat(added.schemaChanges()).singleElement().satisfies(c -> {
            assertThat(c.after()).contains(V3_WIDE);
            assertThat(c.changes()).extracting(SchemaChange::kind).containsExactly(SchemaChangeKind.CREATE_TABLE);
        });
        assertThat(added.rows()).extracting(SchemaRestartTest::seq).containsExactly(19L, 20L);
        assertThat(checkpoint()).isEqualTo(20);
    }

    @Test
    void rowsReplayedWithoutTheirSchemaChangeAreStampedAndMigratedByTheVersionAtTheirPosition() throws Exception {
        ShapedSink sink = new ShapedSink();
        run(spec(SchemaEvolutionTest.addColumnStream(), 50, Map.of("s", sink), Map.of("s", SchemaPolicy.EVOLVE)));
        // a second pipeline state: the history and the accepted schemas stay, the checkpoint goes back to 5,
        // and the source replays the rows but not its schema change at 11 (it knows that schema already)
        new FileCheckpointStore(state).save(new dev.cdc.api.spi.Checkpoint("schema-restart", Position.ofSequence(5),
                Instant.EPOCH, Map.of()));
        List<StreamEvent> noDdl = SchemaEvolutionTest.addColumnStream().stream()
                .filter(e -> e instanceof ChangeEvent).toList();
        ShapedSink fresh = new ShapedSink();
        Pipeline p = run(spec(noDdl, 3, Map.of("n", fresh), Map.of("n", SchemaPolicy.EVOLVE)));
        assertThat(p.failure()).isEmpty();
        assertThat(fresh.rows()).extracting(SchemaRestartTest::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(6, 20).filter(n -> n != 11)
                        .boxed().toList());
        assertThat(fresh.rows()).allSatisfy(r -> assertThat(r.schemaVersion()).isEqualTo(seq(r) < 11 ? 1 : 2));
        assertThat(fresh.schemaChanges()).extracting(c -> c.after().orElseThrow()).containsExactly(V1, V2);
        assertThat(fresh.schemaChanges()).extracting(SchemaRestartTest::seq).containsExactly(6L, 12L);
    }
}
