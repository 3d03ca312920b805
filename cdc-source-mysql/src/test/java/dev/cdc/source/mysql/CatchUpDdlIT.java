package dev.cdc.source.mysql;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.source.mysql.schema.MySqlTable;
import dev.cdc.source.mysql.schema.SchemaHistory;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source that is behind several DDLs of one table when it reaches them: the server's current
 * definition already holds the later ones, so each version comes from the rows' own table maps
 * ({@code binlog_row_metadata=FULL}): every row decodes with the columns of its time, the history
 * holds one version per DDL, each schema change sits between the right rows, and a replay across
 * them gives the same events.
 */
class CatchUpDdlIT extends MariaDbFixture {

    @Test
    void catchingUpOverSeveralDdlsGivesEachRowTheColumnsOfItsTime() throws Exception {
        TableId t = table("myddl", "id INT PRIMARY KEY, a VARCHAR(10) NOT NULL");
        String q = MariaDbDriver.q(t);
        SourceRunner first = start(options(), Optional.empty());
        db.execute("INSERT INTO " + q + " VALUES (1, '11')");
        first.context().awaitChanges(e -> e.table().equals(t), 1, Duration.ofSeconds(30));
        Position row1 = changes(first, t).get(0).position();
        first.close();

        // while no source runs: every later definition is on the server before the source reaches the first DDL
        db.execute("ALTER TABLE " + q + " ADD COLUMN c1 INT UNSIGNED");
        db.execute("INSERT INTO " + q + " VALUES (2, '22', 4294967295)");
        db.execute("ALTER TABLE " + q + " ADD COLUMN c2 DECIMAL(6,2) DEFAULT 1.50");
        db.execute("INSERT INTO " + q + " VALUES (3, '33', 3, 3.25)");
        db.execute("ALTER TABLE " + q + " DROP COLUMN c1");
        db.execute("INSERT INTO " + q + " VALUES (4, '44', 4.75)");
        db.execute("ALTER TABLE " + q + " MODIFY COLUMN a BIGINT");
        db.execute("INSERT INTO " + q + " VALUES (5, 55, 5.5)");

        SourceRunner caughtUp = start(options(), Optional.of(row1));
        caughtUp.context().awaitChanges(e -> e.table().equals(t), 4, Duration.ofSeconds(30));
        List<StreamEvent> events = ofTable(caughtUp, t);
        assertEvents(events);

        // the history: one version per DDL, each at its schema change's position
        SchemaHistory history = SchemaHistory.open(Optional.of(stateDirectory()));
        List<SchemaChangeEvent> ddl = events.stream().filter(SchemaChangeEvent.class::isInstance)
                .map(SchemaChangeEvent.class::cast).toList();
        List<List<String>> columns = List.of(List.of("id", "a", "c1"), List.of("id", "a", "c1", "c2"),
                List.of("id", "a", "c2"), List.of("id", "a", "c2"));
        for (int i = 0; i < ddl.size(); i++) {
            String key = ddl.get(i).position().sortKey();
            assertThat(history.hasVersionAt(t, key)).as("version %d recorded at its event", i).isTrue();
            MySqlTable v = history.at(t, key).orElseThrow();
            assertThat(v.columns().stream().map(c -> c.name()).toList()).isEqualTo(columns.get(i));
            assertThat(history.before(t, key).map(b -> b.columns().size()).orElse(0))
                    .isEqualTo(i == 0 ? 2 : columns.get(i - 1).size());
        }
        assertThat(history.at(t, ddl.get(3).position().sortKey()).orElseThrow().column("a").orElseThrow().dataType())
                .isEqualTo("bigint");
        assertThat(history.at(t, ddl.get(2).position().sortKey()).orElseThrow().column("a").orElseThrow().dataType())
                .isEqualTo("varchar");
        caughtUp.close();

        // a restart that replays across all four DDLs: the same events
        SourceRunner replay = start(options(), Optional.of(row1));
        replay.context().awaitChanges(e -> e.table().equals(t), 4, Duration.ofSeconds(30));
        Thread.sleep(300);
        List<StreamEvent> replayed = ofTable(replay, t);
        assertThat(replayed).hasSameSizeAs(events);
        for (int i = 0; i < events.size(); i++) {
            assertThat(replayed.get(i).position()).isEqualTo(events.get(i).position());
            if (events.get(i) instanceof ChangeEvent c) {
                assertThat(((ChangeEvent) replayed.get(i)).after()).isEqualTo(c.after());
            } else {
                SchemaChangeEvent s = (SchemaChangeEvent) events.get(i);
                SchemaChangeEvent r = (SchemaChangeEvent) replayed.get(i);
                assertThat(r.after()).isEqualTo(s.after());
                assertThat(r.before()).isEqualTo(s.before());
            }
        }

        // resumed at a schema change: it is not repeated, the rows after it follow
        SchemaChangeEvent second = (SchemaChangeEvent) events.get(2);
        SourceRunner atChange = start(options(), Optional.of(second.position()));
        atChange.context().awaitChanges(e -> e.table().equals(t), 3, Duration.ofSeconds(30));
        Thread.sleep(300);
        List<StreamEvent> resumed = ofTable(atChange, t);
        assertThat(resumed).hasSize(5);
        assertThat(resumed.get(0).position()).isEqualTo(events.get(3).position());
    }

    /** row 2, change, row 3, change, row 4, change, row 5 interleaved: each row with the columns of its time. */
    private static void assertEvents(List<StreamEvent> events) {
        assertThat(events).hasSize(8);
        assertThat(events.stream().map(e -> e instanceof SchemaChangeEvent ? "schema" : "row").toList())
                .containsExactly("schema", "row", "schema", "row", "schema", "row", "schema", "row");
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).position().sortKey()).isGreaterThan(events.get(i - 1).position().sortKey());
        }
        assertThat(after(events, 1)).containsExactly(Map.entry("id", 2), Map.entry("a", "22"),
                Map.entry("c1", 4294967295L));
        assertThat(after(events, 3)).containsExactly(Map.entry("id", 3), Map.entry("a", "33"), Map.entry("c1", 3L),
                Map.entry("c2", new java.math.BigDecimal("3.25")));
        assertThat(after(events, 5)).containsExactly(Map.entry("id", 4), Map.entry("a", "44"),
                Map.entry("c2", new java.math.BigDecimal("4.75")));
        assertThat(after(events, 7)).containsExactly(Map.entry("id", 5), Map.entry("a", 55L),
                Map.entry("c2", new java.math.BigDecimal("5.50")));
        TableSchema v1 = schema(events, 0);
        assertThat(v1.columnNames()).containsExactly("id", "a", "c1");
        assertThat(v1.primaryKey()).containsExactly("id");
        assertThat(v1.column("c1").orElseThrow().sourceType()).hasValue("int unsigned");
        assertThat(v1.column("a").orElseThrow().nullable()).isFalse();
        assertThat(((SchemaChangeEvent) events.get(0)).ddl()).hasValueSatisfying(d -> assertThat(d).contains("ADD COLUMN c1"));
        TableSchema v2 = schema(events, 2);
        assertThat(v2.columnNames()).containsExactly("id", "a", "c1", "c2");
        assertThat(v2.column("c2").orElseThrow().sourceType()).hasValue("decimal(6,2)");
        assertThat(schema(events, 4).columnNames()).containsExactly("id", "a", "c2");
        assertThat(schema(events, 4).column("a").orElseThrow().sourceType()).hasValue("varchar(10)");
        assertThat(schema(events, 6).column("a").orElseThrow().sourceType().orElseThrow()).startsWith("bigint");
        assertThat(((SchemaChangeEvent) events.get(6)).before().orElseThrow()).isEqualTo(schema(events, 4));
    }

    private static TableSchema schema(List<StreamEvent> events, int i) {
        return ((SchemaChangeEvent) events.get(i)).after().orElseThrow();
    }

    private static Map<String, Object> after(List<StreamEvent> events, int i) {
        return ((ChangeEvent) events.get(i)).after().orElseThrow().asMap();
    }

    private static List<StreamEvent> ofTable(SourceRunner r, TableId t) {
        return r.context().events().stream().filter(e -> e.table().equals(t)).toList();
    }

    private Path stateDirectory() {
        Path p = target.directory().resolve("state").resolve("source");
        assertThat(Files.isDirectory(p)).isTrue();
        return p;
    }
}
