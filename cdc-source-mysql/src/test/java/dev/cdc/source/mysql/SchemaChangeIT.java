package dev.cdc.source.mysql;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** ALTER TABLE ADD / DROP / MODIFY COLUMN mid-stream, and a restart that replays across them. */
class SchemaChangeIT extends MariaDbFixture {

    @Test
    void rowsOnBothSidesOfEachDdlDecodeWithTheirColumnsAlsoOnReplay() throws Exception {
        TableId t = table("ddl", "id INT PRIMARY KEY, a VARCHAR(10)");
        SourceRunner r = start(options(), Optional.empty());
        String q = MariaDbDriver.q(t);
        db.execute("INSERT INTO " + q + " VALUES (1, 'one')");
        // each DDL is awaited: the definition after a DDL is read from the server when the source
        // reaches it, so a source lagging behind several DDLs sees a later one (see docs)
        ddl(r, t, "ALTER TABLE " + q + " ADD COLUMN b TINYINT(1) DEFAULT 1", 1);
        db.execute("INSERT INTO " + q + " VALUES (2, 'two', 0)");
        ddl(r, t, "ALTER TABLE " + q + " MODIFY COLUMN b INT", 2);
        db.execute("INSERT INTO " + q + " VALUES (3, 'three', 42)");
        ddl(r, t, "ALTER TABLE " + q + " DROP COLUMN a", 3);
        db.execute("INSERT INTO " + q + " VALUES (4, 7)");
        db.execute("TRUNCATE TABLE " + q);
        r.context().awaitChanges(e -> e.table().equals(t), 5, Duration.ofSeconds(30));
        List<ChangeEvent> events = changes(r, t);
        assertRows(events);
        List<SchemaChangeEvent> ddl = r.context().events().stream().filter(SchemaChangeEvent.class::isInstance)
                .map(SchemaChangeEvent.class::cast).filter(e -> e.table().equals(t) && e.ddl().isPresent()).toList();
        assertThat(ddl).as("ADD, MODIFY, DROP COLUMN (TRUNCATE is a truncate event)").hasSize(3);
        assertThat(ddl.get(0).after().get().columnNames()).containsExactly("id", "a", "b");
        assertThat(ddl.get(2).after().get().columnNames()).containsExactly("id", "b");
        r.close();

        // replay from the first row: the same events, decoded with the columns of their time
        Position first = events.get(0).position();
        SourceRunner again = start(options(), Optional.of(first));
        again.context().awaitChanges(e -> e.table().equals(t), 4, Duration.ofSeconds(30));
        List<ChangeEvent> replayed = changes(again, t);
        assertThat(replayed.get(0).position()).isEqualTo(events.get(1).position());
        assertRows(replayed.size() == 4 ? prepend(events.get(0), replayed) : replayed);
    }

    private void ddl(SourceRunner r, TableId t, String sql, int n) throws Exception {
        db.execute(sql);
        long deadline = System.currentTimeMillis() + 30_000;
        while (r.context().events().stream().filter(e -> e instanceof SchemaChangeEvent s && s.table().equals(t)
                && s.ddl().isPresent()).count() < n) {
            assertThat(System.currentTimeMillis()).as("schema change %d of %s within 30s", n, t).isLessThan(deadline);
            Thread.sleep(50);
        }
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
