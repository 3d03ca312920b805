package dev.cdc.source.mysql;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** ALTER TABLE ADD / DROP / MODIFY COLUMN mid-stream, and a restart that replays across them. */
class SchemaChangeIT extends MariaDbFixture {

    @Test
    void rowsOnBothSidesOfEachDdlDecodeWithTheirColumnsAlsoOnReplay() throws Exception {
        TableId t = table("ddl", "id INT PRIMARY KEY, a VARCHAR(10)");
        // tinyint(1) as boolean: only the server's definition shows the (1), which this test is about
        java.util.Map<String, Object> booleans = new java.util.HashMap<>(options());
        booleans.put("tinyint1-as-boolean", true);
        SourceRunner r = start(booleans, Optional.empty());
        String q = MariaDbDriver.q(t);
        db.execute("INSERT INTO " + q + " VALUES (1, 'one')");
        // under binlog_row_metadata=FULL each ALTER's schema change comes with the table's next row (its
        // table map proves the shape). Each row is awaited so that the source reads the server's definition
        // (for tinyint(1), which the map cannot show) before the next ALTER; CatchUpDdlIT runs far behind
        db.execute("ALTER TABLE " + q + " ADD COLUMN b TINYINT(1) DEFAULT 1");
        db.execute("INSERT INTO " + q + " VALUES (2, 'two', 0)");
        r.context().awaitChanges(e -> e.table().equals(t), 2, Duration.ofSeconds(30));
        db.execute("ALTER TABLE " + q + " MODIFY COLUMN b INT");
        db.execute("INSERT INTO " + q + " VALUES (3, 'three', 42)");
        db.execute("ALTER TABLE " + q + " DROP COLUMN a");
        db.execute("INSERT INTO " + q + " VALUES (4, 7)");
        db.execute("TRUNCATE TABLE " + q);
        r.context().awaitChanges(e -> e.table().equals(t), 5, Duration.ofSeconds(30));
        List<ChangeEvent> events = changes(r, t);
        assertRows(events);
        List<SchemaChangeEvent> ddl = r.context().events().stream().filter(SchemaChangeEvent.class::isInstance)
                .map(SchemaChangeEvent.class::cast).filter(e -> e.table().equals(t) && e.ddl().isPresent()).toList();
        assertThat(ddl).as("ADD, MODIFY, DROP COLUMN (TRUNCATE is a truncate event)").hasSize(3);
        assertThat(ddl.get(0).after().get().columnNames()).containsExactly("id", "a", "b");
        assertThat(ddl.get(0).after().get().column("b").orElseThrow().sourceType()).hasValue("tinyint(1)");
        assertThat(ddl.get(0).ddl()).hasValueSatisfying(d -> assertThat(d).contains("ADD COLUMN b"));
        assertThat(ddl.get(1).after().get().column("b").orElseThrow().sourceType()).hasValue("int(11)");
        assertThat(ddl.get(2).after().get().columnNames()).containsExactly("id", "b");
        r.close();

        // replay from the first row: the same events, decoded with the columns of their time
        Position first = events.get(0).position();
        SourceRunner again = start(booleans, Optional.of(first));
        again.context().awaitChanges(e -> e.table().equals(t), 4, Duration.ofSeconds(30));
        List<ChangeEvent> replayed = changes(again, t);
        assertThat(replayed.get(0).position()).isEqualTo(events.get(1).position());
        assertRows(replayed.size() == 4 ? prepend(events.get(0), replayed) : replayed);
    }

    @Test
    void aTableFirstSeenInTheStreamIsAnnouncedBeforeItsFirstRow() throws Exception {
        TableId t = table("first", "id INT PRIMARY KEY, v VARCHAR(10)");
        Map<String, Object> o = new HashMap<>(options());
        o.put("snapshot-mode", "never");
        SourceRunner r = start(o, Optional.empty());
        Thread.sleep(500);
        db.execute("INSERT INTO " + MariaDbDriver.q(t) + " VALUES (1, 'one'), (2, 'two')");
        r.context().awaitChanges(e -> e.table().equals(t), 2, Duration.ofSeconds(30));
        List<StreamEvent> events = r.context().events().stream().filter(e -> e.table().equals(t)).toList();
        assertThat(events.get(0)).as("the table's shape before its first row").isInstanceOf(SchemaChangeEvent.class);
        SchemaChangeEvent announced = (SchemaChangeEvent) events.get(0);
        assertThat(announced.before()).isEmpty();
        assertThat(announced.after().orElseThrow().columnNames()).containsExactly("id", "v");
        assertThat(announced.after().orElseThrow().primaryKey()).containsExactly("id");
        assertThat(announced.changes()).hasSize(1).allMatch(c -> c instanceof SchemaChange.CreateTable);
        assertThat(announced.position().sortKey()).isLessThan(events.get(1).position().sortKey());
        assertThat(events).hasSize(3);
        r.close();

        // resumed at the announcement: the rows follow, the announcement is not repeated
        SourceRunner again = start(o, Optional.of(announced.position()));
        again.context().awaitChanges(e -> e.table().equals(t), 2, Duration.ofSeconds(30));
        Thread.sleep(300);
        assertThat(again.context().events().stream().filter(e -> e.table().equals(t)))
                .allMatch(ChangeEvent.class::isInstance).hasSize(2);
    }

    private static List<ChangeEvent> prepend(ChangeEvent e, List<ChangeEvent> rest) {
        var l = new java.util.ArrayList<ChangeEvent>();
        l.add(e);
        l.addAll(rest);
        return l;
    }

    private static void assertRows(List<ChangeEvent> events) {
        assertThat(events.get(0).after().get().asMap()).containsExactly(
                java.util.Map.entry("id", 1), java.util.Map.entry("a", "one"));
        assertThat(events.get(1).after().get().get("b")).isEqualTo(false);
        assertThat(events.get(1).after().get().columns()).containsExactly("id", "a", "b");
        assertThat(events.get(2).after().get().get("b")).isEqualTo(42);
        assertThat(events.get(3).after().get().columns()).containsExactly("id", "b");
        assertThat(events.get(3).after().get().get("b")).isEqualTo(7);
        assertThat(events.get(4).operation()).isEqualTo(dev.cdc.api.event.Operation.TRUNCATE);
    }
}
