package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.core.schema.HeldChanges;
import dev.cdc.core.schema.SchemaGate;
import dev.cdc.schema.compatibility.SchemaPolicy;
import dev.cdc.schema.registry.SchemaVersion;
import dev.cdc.schema.store.MemorySchemaStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.cdc.core.runtime.SchemaEvolutionTest.T;
import static dev.cdc.core.runtime.SchemaEvolutionTest.V1;
import static dev.cdc.core.runtime.SchemaEvolutionTest.V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure decisions of {@code schema-policy: manual} in a {@link SchemaGate}. */
class SchemaGateManualTest {

    @TempDir
    Path state;

    SchemaGate gate() {
        return SchemaGate.open("m", "test", SchemaPolicy.MANUAL, EnumSet.of(SchemaChangeKind.ADD_COLUMN),
                new MemorySchemaStore(), Clock.systemUTC(), Optional.of(HeldChanges.in(state, "m")));
    }

    static SchemaChangeEvent change(TableSchema s, long at) {
        return SchemaChangeEvent.of(s, Position.ofSequence(at), Instant.EPOCH);
    }

    static Optional<SchemaVersion> version(TableSchema s, int v, long at) {
        return Optional.of(new SchemaVersion(T, v, s.fingerprint(), s, Position.ofSequence(at), Instant.EPOCH, List.of()));
    }

    @Test
    void aFirstSightAndTheSameSchemaAgainAreNotHeldAMigrationIsWithTheSourceVersion() {
        SchemaGate gate = gate();
        SchemaGate.Decision first = gate.decide(change(V1, 0), version(V1, 1, 0));
        assertThat(first).isInstanceOf(SchemaGate.Decision.Apply.class);
        gate.accepted((SchemaGate.Decision.Apply) first, version(V1, 1, 0));
        assertThat(gate.decide(change(V1, 5), version(V1, 1, 0))).isInstanceOfSatisfying(SchemaGate.Decision.Apply.class,
                a -> assertThat(a.migration()).isFalse());
        assertThat(gate.decide(change(V2, 11), version(V2, 4, 11))).isInstanceOfSatisfying(SchemaGate.Decision.Hold.class,
                h -> {
                    assertThat(h.version()).isEqualTo(4);
                    assertThat(h.changes()).singleElement().isInstanceOf(SchemaChange.AddColumn.class);
                });
        // without the source's version: the next after what the sink accepted
        assertThat(gate.decide(change(V2, 11), Optional.empty())).isInstanceOfSatisfying(SchemaGate.Decision.Hold.class,
                h -> assertThat(h.version()).isEqualTo(2));
        assertThat(gate.held()).isEmpty();
    }

    @Test
    void anApprovalAppliesARejectionSkipsAndRowsThenLoseTheUnknownColumns() throws Exception {
        SchemaGate gate = gate();
        gate.accepted((SchemaGate.Decision.Apply) gate.decide(change(V1, 0), version(V1, 1, 0)), version(V1, 1, 0));
        SchemaGate.Decision.Hold hold = (SchemaGate.Decision.Hold) gate.decide(change(V2, 11), version(V2, 2, 11));
        HeldChanges files = HeldChanges.in(state, "m");
        AtomicInteger polls = new AtomicInteger();
        assertThatThrownBy(() -> gate.awaitDecision(hold, c -> List.of("ALTER ..."), () -> polls.incrementAndGet() > 2,
                Duration.ofMillis(1))).isInstanceOf(SchemaGate.HeldAtStop.class)
                .hasMessageContaining("the pipeline stops while shop.orders v2 is held");
        assertThat(files.held()).singleElement().satisfies(h -> assertThat(h.statements()).containsExactly("ALTER ..."));

        files.decide(T, 2, HeldChanges.Verdict.REJECTED);
        SchemaGate.Decision d = gate.awaitDecision(hold, c -> List.of(), () -> true, Duration.ofMillis(1));
        assertThat(d).isInstanceOf(SchemaGate.Decision.Skip.class);
        ChangeEvent row = ChangeEvent.insert(T, Row.of("id", 12L), Row.of("id", 12L, "qty", 1, "note", "x"),
                Instant.EPOCH, Position.ofSequence(12));
        assertThat(gate.project(row).after().orElseThrow().columns()).containsExactly("id", "qty");
        assertThat(files.held()).isEmpty();
    }

    @Test
    void anApprovedChangeTheSinkCannotApplyStops() throws Exception {
        SchemaGate gate = SchemaGate.open("m", "test", SchemaPolicy.MANUAL, EnumSet.of(SchemaChangeKind.DROP_COLUMN),
                new MemorySchemaStore(), Clock.systemUTC(), Optional.of(HeldChanges.in(state, "m")));
        gate.accepted((SchemaGate.Decision.Apply) gate.decide(change(V1, 0), version(V1, 1, 0)), version(V1, 1, 0));
        SchemaGate.Decision.Hold hold = (SchemaGate.Decision.Hold) gate.decide(change(V2, 11), version(V2, 2, 11));
        HeldChanges.in(state, "m").decide(T, 2, HeldChanges.Verdict.APPROVED);
        assertThat(gate.awaitDecision(hold, c -> List.of(), () -> true, Duration.ofMillis(1)))
                .isInstanceOfSatisfying(SchemaGate.Decision.Stop.class, s -> assertThat(s.error().getMessage())
                        .contains("cannot apply [add-column]"));
    }
}
