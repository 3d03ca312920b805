package dev.cdc.plugins.generator;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyntheticChangesTest {

    private static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");

    private static SyntheticChanges changes(Map<String, ?> options) {
        return new SyntheticChanges(GeneratorSettings.of(options));
    }

    @Test
    void sameOptionsGiveTheSameEventsAndAnotherSeedOthers() {
        Map<String, Object> options = Map.of("tables", "a.one,b.two", "keys", 37, "payload-bytes", 40);
        SyntheticChanges first = changes(options);
        SyntheticChanges second = changes(options);
        SyntheticChanges otherSeed = changes(Map.of("tables", "a.one,b.two", "keys", 37, "payload-bytes", 40,
                "seed", 7));
        int differences = 0;
        for (long n = 0; n < 3000; n++) {
            assertThat(second.eventAt(n, NOW)).isEqualTo(first.eventAt(n, NOW));
            if (!otherSeed.eventAt(n, NOW).equals(first.eventAt(n, NOW))) {
                differences++;
            }
        }
        assertThat(differences).isGreaterThan(2500);
    }

    @Test
    void schemaChangesComeFirstThenTheTablesInTurn() {
        SyntheticChanges c = changes(Map.of("tables", List.of("a.one", "b.two", "three")));
        assertThat(c.firstChangeSequence()).isEqualTo(3);
        List<TableId> tables = List.of(TableId.parse("a.one"), TableId.parse("b.two"), TableId.parse("three"));
        for (int t = 0; t < 3; t++) {
            SchemaChangeEvent schema = (SchemaChangeEvent) c.eventAt(t, NOW);
            assertThat(schema.table()).isEqualTo(tables.get(t));
            assertThat(schema.after()).contains(SyntheticChanges.schemaOf(tables.get(t)));
            assertThat(schema.position()).isEqualTo(Position.ofSequence(t));
        }
        for (long n = 3; n < 30; n++) {
            ChangeEvent e = (ChangeEvent) c.eventAt(n, NOW);
            assertThat(e.table()).isEqualTo(tables.get((int) ((n - 3) % 3)));
            assertThat(e.position()).isEqualTo(Position.ofSequence(n));
            assertThat(e.header(GeneratorSource.SYNTHETIC_HEADER)).contains("true");
            assertThat(e.transactionId()).contains("gen-" + n / 100);
            assertThat(e.commitTime()).isEqualTo(NOW);
        }
    }

    @Test
    void rowsMatchTheSchema() {
        SyntheticChanges c = changes(Map.of("payload-bytes", 33));
        ChangeEvent e = (ChangeEvent) c.eventAt(1, NOW);
        Row after = e.after().orElseThrow();
        assertThat(after.columns()).containsExactlyElementsOf(SyntheticChanges.schemaOf(e.table()).columnNames());
        assertThat(after.get("id")).isInstanceOf(Long.class).isEqualTo(e.key().get("id"));
        assertThat(after.get("amount")).isInstanceOf(java.math.BigDecimal.class);
        assertThat(((java.math.BigDecimal) after.get("amount")).scale()).isEqualTo(2);
        assertThat(after.get("updated_at")).isEqualTo(SyntheticChanges.EPOCH.plusMillis(1));
        assertThat((String) after.get("payload")).hasSize(33).matches("[A-Za-z]+");
        assertThat(after.get("version")).isEqualTo(1L);
    }

    /** Applies the stream to a table per key and checks every change fits what the table holds. */
    private static Map<Operation, Integer> replayAndCheck(SyntheticChanges c, long events) {
        Map<TableId, Map<Object, Row>> tables = new HashMap<>();
        Map<Operation, Integer> counts = new EnumMap<>(Operation.class);
        for (long n = c.firstChangeSequence(); n < c.firstChangeSequence() + events; n++) {
            ChangeEvent e = (ChangeEvent) c.eventAt(n, NOW);
            Map<Object, Row> rows = tables.computeIfAbsent(e.table(), t -> new HashMap<>());
            Object id = e.key().get("id");
            Row current = rows.get(id);
            counts.merge(e.operation(), 1, Integer::sum);
            switch (e.operation()) {
                case CREATE -> {
                    assertThat(current).as("CREATE of existing key %s at %d", id, n).isNull();
                    rows.put(id, e.after().orElseThrow());
                }
                case UPDATE -> {
                    assertThat(current).as("UPDATE of missing key %s at %d", id, n).isNotNull();
                    assertThat(e.before()).contains(current);
                    assertThat(e.after().orElseThrow().get("version")).isEqualTo((Long) current.get("version") + 1);
                    rows.put(id, e.after().orElseThrow());
                }
                case DELETE -> {
                    assertThat(current).as("DELETE of missing key %s at %d", id, n).isNotNull();
                    assertThat(e.before()).contains(current);
                    rows.remove(id);
                }
                default -> throw new AssertionError(e.operation());
            }
            long sequence = n;
            e.after().ifPresent(a -> assertThat(a.get("updated_at")).isEqualTo(SyntheticChanges.EPOCH.plusMillis(sequence)));
        }
        return counts;
    }

    @Test
    void replayingTheStreamGivesAConsistentTableWithTheConfiguredMix() {
        Map<Operation, Integer> counts = replayAndCheck(changes(Map.of("tables", "a.x,b.y", "keys", 50)), 40_000);
        int total = 40_000;
        assertThat(counts.get(Operation.UPDATE)).isBetween((int) (total * 0.55), (int) (total * 0.65));
        assertThat(counts.get(Operation.DELETE)).isBetween((int) (total * 0.17), (int) (total * 0.23));
        assertThat(counts.get(Operation.CREATE)).isBetween((int) (total * 0.17), (int) (total * 0.23));
    }

    @Test
    void extremeMixesStayConsistent() {
        Map<Operation, Integer> updatesOnly = replayAndCheck(changes(Map.of("keys", 10,
                "operations", Map.of("update", 1, "delete", 0))), 5000);
        assertThat(updatesOnly).doesNotContainKey(Operation.DELETE).containsEntry(Operation.CREATE, 10);

        Map<Operation, Integer> deletesOnly = replayAndCheck(changes(Map.of("keys", 10,
                "operations", Map.of("delete", 2))), 5000);
        assertThat(deletesOnly).doesNotContainKey(Operation.UPDATE).containsEntry(Operation.DELETE, 2500);

        replayAndCheck(changes(Map.of("keys", 1, "operations", Map.of("update", 1, "delete", 1))), 2000);
    }

    @Test
    void everyRoundTouchesEveryKeyOnce() {
        for (long keys : new long[] {1, 2, 97, 100, 210}) {
            SyntheticChanges c = changes(Map.of("keys", keys));
            for (long round = 0; round < 3; round++) {
                Set<Object> ids = new HashSet<>();
                for (long i = 0; i < keys; i++) {
                    ChangeEvent e = (ChangeEvent) c.eventAt(1 + round * keys + i, NOW);
                    ids.add(e.key().get("id"));
                }
                assertThat(ids).as("keys %d round %d", keys, round).hasSize((int) keys)
                        .allSatisfy(id -> assertThat((Long) id).isBetween(1L, keys));
            }
        }
    }

    @Test
    void appendOnlyCreatesNewIds() {
        SyntheticChanges c = changes(Map.of("keys", 0, "tables", "a.x,a.y"));
        for (long n = 2; n < 200; n++) {
            ChangeEvent e = (ChangeEvent) c.eventAt(n, NOW);
            assertThat(e.operation()).isEqualTo(Operation.CREATE);
            assertThat(e.key().get("id")).isEqualTo((n - 2) / 2 + 1);
        }
    }

    @Test
    void countBoundsTheStream() {
        SyntheticChanges c = changes(Map.of("count", 10, "tables", "a.x,a.y"));
        assertThat(c.endSequence()).isEqualTo(12);
        StreamEvent last = c.eventAt(11, NOW);
        assertThat(last).isInstanceOf(ChangeEvent.class);
        assertThatThrownBy(() -> c.eventAt(12, NOW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the stream");
        assertThat(changes(Map.of()).endSequence()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void farSequencesAreCheap() {
        SyntheticChanges c = changes(Map.of("keys", 1_000_000_000L));
        long start = System.nanoTime();
        for (long n = 4_000_000_000_000L; n < 4_000_000_010_000L; n++) {
            assertThat(c.eventAt(n, NOW)).isNotNull();
        }
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    }
}
