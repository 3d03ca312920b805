package dev.cdc.core.runtime;

import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.error.SchemaEvolutionException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.plugins.checkpoint.FileCheckpointStore;
import dev.cdc.core.spec.EngineSettings;
import dev.cdc.core.spec.FailurePolicy;
import dev.cdc.core.spec.MetricsSettings;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PluginSpec;
import dev.cdc.core.spec.SinkSpec;
import dev.cdc.core.schema.SchemaGate;
import dev.cdc.schema.compatibility.SchemaPolicy;
import dev.cdc.schema.registry.SchemaRegistry;
import dev.cdc.schema.registry.SchemaVersion;
import dev.cdc.schema.store.FileSchemaStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine with the schema registry: registration, stamping, and each schema policy in a lane. */
class SchemaEvolutionTest {

    static final TableId T = TableId.of("shop", "orders");
    static final TableSchema V1 = new TableSchema(T, List.of(Column.notNull("id", DataType.int64()),
            Column.of("qty", DataType.int32())), List.of("id"));
    static final TableSchema V2 = V1.withColumns(List.of(V1.columns().get(0), V1.columns().get(1),
            Column.of("note", DataType.string())));
    /** qty retyped int32 -> int64: widening. */
    static final TableSchema V3_WIDE = V2.withColumns(List.of(V2.columns().get(0),
            Column.of("qty", DataType.int64()), V2.columns().get(2)));
    /** qty retyped int64 -> date: incompatible. */
    static final TableSchema V4_BREAKING = V2.withColumns(List.of(V2.columns().get(0),
            Column.of("qty", DataType.date()), V2.columns().get(2)));

    @TempDir
    Path state;

    static ChangeEvent row(long n, boolean withNote) {
        Row after = withNote ? Row.of("id", n, "qty", (int) n, "note", "n" + n) : Row.of("id", n, "qty", (int) n);
        return ChangeEvent.insert(T, Row.of("id", n), after, Instant.EPOCH, Position.ofSequence(n));
    }

    static SchemaChangeEvent schema(long n, TableSchema schema) {
        return SchemaChangeEvent.of(schema, Position.ofSequence(n), Instant.EPOCH);
    }

    /** 0: v1, 1..10 rows, 11: add column note, 12..20 rows with note. */
    static List<StreamEvent> addColumnStream() {
        List<StreamEvent> events = new ArrayList<>();
        events.add(schema(0, V1));
        for (long n = 1; n <= 10; n++) {
            events.add(row(n, false));
        }
        events.add(schema(11, V2));
        for (long n = 12; n <= 20; n++) {
            events.add(row(n, true));
        }
        return events;
    }

    PipelineSpec spec(List<StreamEvent> events, int batch, SchemaSink sink, Optional<SchemaPolicy> policy) {
        SinkSpec s = new SinkSpec("s", PluginSpec.ofInstance("s", sink), PipelineRunnerTest.FAST_RETRY, FailurePolicy.FAIL,
                Optional.empty(), List.of(), List.of(), 100, 1000, policy);
        return new PipelineSpec("schema-test", PluginSpec.ofInstance("source", new ScriptedSource(events, batch)),
                List.of(), List.of(), List.of(s), PluginSpec.ofInstance("checkpoint", new FileCheckpointStore(state)),
                Optional.of(state),
                new EngineSettings(100, 1000, Duration.ofMillis(20), Duration.ofSeconds(10), Duration.ofMillis(10)),
                new MetricsSettings(OptionalInt.empty(), "127.0.0.1", Duration.ofSeconds(60)));
    }

    Pipeline run(PipelineSpec spec, SimpleMeterRegistry meters) throws InterruptedException {
        Pipeline p = Pipeline.create(spec, meters);
        p.start();
        assertThat(p.awaitTermination(Duration.ofSeconds(30))).as("pipeline terminated").isTrue();
        return p;
    }

    Pipeline run(PipelineSpec spec) throws InterruptedException {
        return run(spec, new SimpleMeterRegistry());
    }

    long checkpoint() {
        FileCheckpointStore store = new FileCheckpointStore(state);
        long seq = Long.parseLong(store.load().orElseThrow().position().offset("sequence"));
        return seq;
    }

    List<SchemaVersion> history() {
        return SchemaRegistry.open(new FileSchemaStore(state)).history(T);
    }

    double schemaChanges(SimpleMeterRegistry meters, String outcome) {
        var c = meters.find("cdc.schema.changes").tags("sink", "s", "table", T.toString(), "outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void evolveAppliesTheChangeBetweenTheLastOldAndTheFirstNewRowAndStampsVersions() throws Exception {
        SchemaSink sink = new SchemaSink();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Pipeline p = run(spec(addColumnStream(), 4, sink, Optional.of(SchemaPolicy.EVOLVE)), meters);

        assertThat(p.state()).isEqualTo(PipelineState.COMPLETED);
        List<StreamEvent> got = sink.durable;
        assertThat(got).extracting(e -> Long.parseLong(e.position().offset("sequence")))
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(0, 20).boxed().toList());
        SchemaChangeEvent add = (SchemaChangeEvent) got.get(11);
        assertThat(add.before()).contains(V1);
        assertThat(add.changes()).containsExactly(new SchemaChange.AddColumn(V2.columns().get(2), Optional.of("qty")));
        assertThat(sink.rows()).allSatisfy(r -> assertThat(r.schemaVersion())
                .isEqualTo(Long.parseLong(r.position().offset("sequence")) < 11 ? 1 : 2));
        assertThat(history()).extracting(SchemaVersion::version, v -> v.position().sortKey())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, Position.sortKeyOf(0)),
                        org.assertj.core.groups.Tuple.tuple(2, Position.sortKeyOf(11)));
        assertThat(schemaChanges(meters, "applied")).isEqualTo(1.0);
        assertThat(state.resolve(SchemaGate.fileName("s"))).exists();
    }

    @Test
    void failStopsJustBeforeTheChangeAndStopsThereAgainUntilThePolicyAllowsIt() throws Exception {
        SchemaSink sink = new SchemaSink();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // batches of 4: the change (11) sits inside the batch 8..11, after rows of the old shape
        Pipeline p = run(spec(addColumnStream(), 4, sink, Optional.of(SchemaPolicy.FAIL)), meters);

        assertThat(p.state()).isEqualTo(PipelineState.FAILED);
        Throwable failure = p.failure().orElseThrow();
        assertThat(failure).isInstanceOf(SchemaEvolutionException.class);
        assertThat(failure.getMessage()).contains("shop.orders", "add column note string", "'fail'",
                "schema-policy: evolve", "just before the change");
        assertThat(((SchemaEvolutionException) failure).change().position()).isEqualTo(Position.ofSequence(11));
        assertThat(checkpoint()).isEqualTo(10);
        assertThat(sink.rows()).extracting(r -> r.position().offset("sequence"))
                .containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
        assertThat(schemaChanges(meters, "stopped")).isEqualTo(1.0);

        SchemaSink again = new SchemaSink();
        Pipeline p2 = run(spec(addColumnStream(), 4, again, Optional.of(SchemaPolicy.FAIL)));
        assertThat(p2.state()).isEqualTo(PipelineState.FAILED);
        assertThat(p2.failure().orElseThrow()).isInstanceOf(SchemaEvolutionException.class);
        assertThat(again.rows()).isEmpty();
        assertThat(checkpoint()).isEqualTo(10);

        SchemaSink evolved = new SchemaSink();
        Pipeline p3 = run(spec(addColumnStream(), 4, evolved, Optional.of(SchemaPolicy.EVOLVE)));
        assertThat(p3.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(evolved.schemaChanges()).singleElement().satisfies(c -> {
            assertThat(c.position()).isEqualTo(Position.ofSequence(11));
            assertThat(c.changes()).extracting(SchemaChange::kind).containsExactly(SchemaChangeKind.ADD_COLUMN);
        });
        assertThat(evolved.rows()).hasSize(9).allSatisfy(r -> assertThat(r.after().orElseThrow().has("note")).isTrue());
        assertThat(checkpoint()).isEqualTo(20);
        assertThat(history()).extracting(SchemaVersion::version).containsExactly(1, 2);
    }

    @Test
    void evolveCompatibleAppliesAWideningAndStopsOnABreakingChange() throws Exception {
        List<StreamEvent> events = new ArrayList<>(addColumnStream());
        events.add(schema(21, V3_WIDE));
        events.add(ChangeEvent.insert(T, Row.of("id", 22L), Row.of("id", 22L, "qty", 1L << 40, "note", "x"),
                Instant.EPOCH, Position.ofSequence(22)));
        events.add(schema(23, V4_BREAKING));
        events.add(row(24, true));
        SchemaSink sink = new SchemaSink();
        Pipeline p = run(spec(events, 5, sink, Optional.empty()));

        assertThat(p.state()).isEqualTo(PipelineState.FAILED);
        assertThat(p.failure().orElseThrow().getMessage()).contains("alter column qty type int64 -> date (BREAKING)",
                "'evolve-compatible' stops at a breaking change");
        assertThat(sink.schemaChanges()).extracting(c -> c.position().offset("sequence")).containsExactly("0", "11", "21");
        assertThat(checkpoint()).isEqualTo(22);
    }

    @Test
    void ignoreKeepsTheSinksSchemaAndDropsUnknownColumnsAlsoAfterARestart() throws Exception {
        List<StreamEvent> first = addColumnStream().subList(0, 16); // up to row 15
        SchemaSink sink = new SchemaSink();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        run(spec(first, 3, sink, Optional.of(SchemaPolicy.IGNORE)), meters);

        assertThat(sink.schemaChanges()).singleElement().satisfies(c -> assertThat(c.after()).contains(V1));
        assertThat(sink.rows()).allSatisfy(r -> assertThat(r.after().orElseThrow().columns())
                .containsExactlyInAnyOrder("id", "qty"));
        assertThat(sink.rows()).extracting(ChangeEvent::schemaVersion).contains(2L);
        assertThat(schemaChanges(meters, "ignored")).isEqualTo(1.0);

        // the restarted source announces nothing: the sink's accepted schema still holds
        SchemaSink later = new SchemaSink();
        Pipeline p = run(spec(addColumnStream(), 3, later, Optional.of(SchemaPolicy.IGNORE)));
        assertThat(p.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(later.rows()).extracting(r -> r.position().offset("sequence"))
                .containsExactly("16", "17", "18", "19", "20");
        assertThat(later.rows()).allSatisfy(r -> {
            assertThat(r.after().orElseThrow().columns()).containsExactlyInAnyOrder("id", "qty");
            assertThat(r.schemaVersion()).isEqualTo(2);
        });
    }

    @Test
    void aReplayedOlderSchemaIsNotAppliedAgainAndTheSameSchemaIsAnnouncedWithoutChanges() throws Exception {
        SchemaSink sink = new SchemaSink();
        run(spec(addColumnStream(), 50, sink, Optional.of(SchemaPolicy.EVOLVE)));
        // a source that, after a restart, announces its table again: old shape at 5 (replay), new shape at 21
        List<StreamEvent> replay = new ArrayList<>(addColumnStream());
        replay.add(schema(21, V2));
        replay.add(row(22, true));
        new FileCheckpointStore(state).close();
        java.nio.file.Files.delete(state.resolve(FileCheckpointStore.FILE_NAME)); // replay everything
        SchemaSink second = new SchemaSink();
        Pipeline p = run(spec(replay, 50, second, Optional.of(SchemaPolicy.FAIL)));

        assertThat(p.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(second.schemaChanges()).extracting(c -> c.position().offset("sequence")).containsExactly("11", "21");
        assertThat(second.schemaChanges()).allSatisfy(c -> assertThat(c.changes()).isEmpty());
        assertThat(history()).extracting(SchemaVersion::version).containsExactly(1, 2);
    }

    @Test
    void aSinkThatDeclaresNoSchemaChangeCannotBeConfiguredToEvolve() {
        SchemaSink none = new SchemaSink(Set.of());
        Pipeline p = Pipeline.create(spec(addColumnStream(), 4, none, Optional.of(SchemaPolicy.EVOLVE)));
        assertThatThrownBy(p::start).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("sinks.s.schema-policy")
                .hasMessageContaining("declares no schema change")
                .hasMessageContaining("schema-policy: ignore");
    }

    @Test
    void aChangeTheSinkDoesNotSupportStopsUnderEvolve() throws Exception {
        SchemaSink onlyAdd = new SchemaSink(Set.of(SchemaChangeKind.ADD_COLUMN));
        List<StreamEvent> events = new ArrayList<>(addColumnStream());
        events.add(schema(21, V1));
        Pipeline p = run(spec(events, 4, onlyAdd, Optional.of(SchemaPolicy.EVOLVE)));
        assertThat(p.state()).isEqualTo(PipelineState.FAILED);
        assertThat(p.failure().orElseThrow().getMessage()).contains("cannot apply [drop-column]",
                "supports only [add-column]");
        assertThat(checkpoint()).isEqualTo(20);
    }
}
