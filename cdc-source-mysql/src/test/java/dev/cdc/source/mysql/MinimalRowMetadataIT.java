package dev.cdc.source.mysql;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Row events written under {@code binlog_row_metadata=MINIMAL} carry no column names, enum labels
 * or key: they decode with the schema history (recorded at the snapshot and at each DDL), also
 * after a restart that replays them across an ALTER. The server's setting is global and shared
 * with other test runs: it is MINIMAL only around this test's own writes and restored to FULL in
 * a finally block.
 */
class MinimalRowMetadataIT extends MariaDbFixture {

    @Test
    void rowsWithoutColumnNamesDecodeWithTheSchemaOfTheirTimeAlsoOnReplay() throws Exception {
        TableId t = table("minimal", "id INT PRIMARY KEY, a VARCHAR(10), u INT UNSIGNED, e ENUM('x','y')");
        String q = MariaDbDriver.q(t);
        SourceRunner r = start(options(), Optional.empty());
        awaitSchemaChanges(r, t, 1);
        try (MariaDbDriver minimal = new MariaDbDriver()) {
            try {
                minimal.execute("SET GLOBAL binlog_row_metadata = 'MINIMAL'");
                try (MariaDbDriver w = new MariaDbDriver()) { // a session started under MINIMAL
                    w.execute("INSERT INTO " + q + " VALUES (1, 'one', 4294967295, 'y')");
                    ddl(r, w, t, "ALTER TABLE " + q + " ADD COLUMN b BIGINT UNSIGNED AFTER id", 1);
                    w.execute("INSERT INTO " + q + " VALUES (2, 18446744073709551615, 'two', 7, 'x')");
                    ddl(r, w, t, "ALTER TABLE " + q + " DROP COLUMN a", 2);
                    w.execute("INSERT INTO " + q + " VALUES (3, 5, 8, 'y')");
                }
            } finally {
                minimal.execute("SET GLOBAL binlog_row_metadata = 'FULL'");
            }
        }
        r.context().awaitChanges(e -> e.table().equals(t), 3, Duration.ofSeconds(30));
        List<ChangeEvent> events = changes(r, t);
        assertRows(events);
        r.close();

        // replay from the first row, across both ALTERs (the events in the binlog stay MINIMAL)
        SourceRunner again = start(options(), Optional.of(events.get(0).position()));
        again.context().awaitChanges(e -> e.table().equals(t), 2, Duration.ofSeconds(30));
        Thread.sleep(300);
        List<ChangeEvent> replayed = changes(again, t);
        assertThat(replayed).hasSize(2);
        assertThat(replayed.get(0).after()).isEqualTo(events.get(1).after());
        assertThat(replayed.get(1).after()).isEqualTo(events.get(2).after());
    }

    @Test
    void catchingUpOverSeveralDdlsWithoutColumnNamesFailsClearlyInsteadOfMisNaming() throws Exception {
        TableId t = table("myddl_minimal", "id INT PRIMARY KEY, a VARCHAR(10)");
        String q = MariaDbDriver.q(t);
        SourceRunner first = start(options(), Optional.empty());
        awaitSchemaChanges(first, t, 1);
        first.close();
        try (MariaDbDriver minimal = new MariaDbDriver()) {
            try {
                minimal.execute("SET GLOBAL binlog_row_metadata = 'MINIMAL'");
                try (MariaDbDriver w = new MariaDbDriver()) {
                    w.execute("INSERT INTO " + q + " VALUES (1, 'one')");
                    w.execute("ALTER TABLE " + q + " ADD COLUMN b INT");
                    w.execute("INSERT INTO " + q + " VALUES (2, 'two', 2)");
                    w.execute("ALTER TABLE " + q + " ADD COLUMN c INT");
                    w.execute("INSERT INTO " + q + " VALUES (3, 'three', 3, 3)");
                }
            } finally {
                minimal.execute("SET GLOBAL binlog_row_metadata = 'FULL'");
            }
        }
        // started behind both ALTERs: the definition read at the first one already has c
        SourceRunner behind = start(options(), Optional.of(first.context().events().get(
                first.context().events().size() - 1).position()));
        long deadline = System.currentTimeMillis() + 30_000;
        while (behind.isRunning() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(behind.failure()).hasValueSatisfying(f -> assertThat(f.getMessage()).contains(t.toString())
                .contains("binlog_row_metadata=FULL").contains("the binlog has 3 columns").contains("re-snapshot"));
        List<ChangeEvent> delivered = changes(behind, t);
        assertThat(delivered).as("only the row before the ALTERs").hasSize(1);
        assertThat(delivered.get(0).after().orElseThrow().asMap()).containsExactly(Map.entry("id", 1),
                Map.entry("a", "one"));
    }

    private static void assertRows(List<ChangeEvent> events) {
        assertThat(events).hasSize(3);
        assertThat(events.get(0).after().orElseThrow().asMap()).containsExactly(Map.entry("id", 1),
                Map.entry("a", "one"), Map.entry("u", 4294967295L), Map.entry("e", "y"));
        assertThat(events.get(0).key().asMap()).containsExactly(Map.entry("id", 1));
        assertThat(events.get(1).after().orElseThrow().asMap()).containsExactly(Map.entry("id", 2),
                Map.entry("b", new java.math.BigDecimal("18446744073709551615")), Map.entry("a", "two"),
                Map.entry("u", 7L), Map.entry("e", "x"));
        assertThat(events.get(2).after().orElseThrow().asMap()).containsExactly(Map.entry("id", 3),
                Map.entry("b", new java.math.BigDecimal("5")), Map.entry("u", 8L), Map.entry("e", "y"));
    }

    private static void ddl(SourceRunner r, MariaDbDriver w, TableId t, String sql, int n) throws Exception {
        w.execute(sql);
        // the definition after a DDL is read when the source reaches it: wait, as SchemaChangeIT does
        awaitSchemaChanges(r, t, n + 1);
    }

    private static void awaitSchemaChanges(SourceRunner r, TableId t, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (r.context().events().stream().filter(e -> e instanceof SchemaChangeEvent s && s.table().equals(t))
                .count() < n) {
            assertThat(System.currentTimeMillis()).as("schema change %d of %s within 30s", n, t).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
