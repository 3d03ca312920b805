package dev.cdc.source.mysql;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Column renames on a real MariaDB: the source reads them from the ALTER's text in the binlog and
 * reports them in the schema change (RenameColumn, not a drop plus an add), also when it is behind
 * several renames and on a replay.
 */
class ColumnRenameIT extends MariaDbFixture {

    @Test
    void renameColumnMidStreamIsOneRenameBetweenTheRowsOfTheOldAndTheNewShape() throws Exception {
        TableId t = table("myrename_a", "id INT PRIMARY KEY, a VARCHAR(10)");
        String q = MariaDbDriver.q(t);
        SourceRunner r = start(options(), Optional.empty());
        db.execute("INSERT INTO " + q + " VALUES (1, 'one')");
        r.context().awaitChanges(e -> e.table().equals(t), 1, Duration.ofSeconds(30));
        db.execute("ALTER TABLE " + q + " RENAME COLUMN a TO `b`");
        db.execute("INSERT INTO " + q + " VALUES (2, 'two')");
        r.context().awaitChanges(e -> e.table().equals(t), 2, Duration.ofSeconds(30));

        List<StreamEvent> events = tail(r, t);
        assertThat(events).hasSize(3);
        assertThat(((ChangeEvent) events.get(0)).after().orElseThrow().columns()).containsExactly("id", "a");
        SchemaChangeEvent change = (SchemaChangeEvent) events.get(1);
        assertThat(change.changes()).containsExactly(new SchemaChange.RenameColumn("a", "b"));
        assertThat(change.ddl()).hasValueSatisfying(d -> assertThat(d).contains("RENAME COLUMN a TO `b`"));
        assertThat(((ChangeEvent) events.get(2)).after().orElseThrow().asMap())
                .containsEntry("b", "two").doesNotContainKey("a");
    }

    @Test
    void changeWithANewNameAndTypeIsARenameAndATypeChange() throws Exception {
        TableId t = table("myrename_b", "id INT PRIMARY KEY, a INT");
        String q = MariaDbDriver.q(t);
        SourceRunner r = start(options(), Optional.empty());
        db.execute("INSERT INTO " + q + " VALUES (1, 1)");
        r.context().awaitChanges(e -> e.table().equals(t), 1, Duration.ofSeconds(30));
        db.execute("ALTER TABLE " + q + " CHANGE a b BIGINT");
        db.execute("INSERT INTO " + q + " VALUES (2, 9000000000)");
        r.context().awaitChanges(e -> e.table().equals(t), 2, Duration.ofSeconds(30));

        List<StreamEvent> events = tail(r, t);
        assertThat(events).hasSize(3);
        SchemaChangeEvent change = (SchemaChangeEvent) events.get(1);
        TableSchema before = change.before().orElseThrow();
        TableSchema after = change.after().orElseThrow();
        assertThat(before.column("a").orElseThrow().type()).isNotEqualTo(after.column("b").orElseThrow().type());
        assertThat(change.changes()).containsExactly(new SchemaChange.RenameColumn("a", "b"),
                new SchemaChange.AlterColumnType("b", before.column("a").orElseThrow().type(),
                        after.column("b").orElseThrow().type(), before.column("a").orElseThrow().sourceType(),
                        after.column("b").orElseThrow().sourceType()));
        assertThat(((ChangeEvent) events.get(2)).after().orElseThrow().get("b")).isEqualTo(9000000000L);
    }

    @Test
    void twoRenamesBeforeTheSourceCatchesUpAreChainedAlsoOnReplay() throws Exception {
        TableId t = table("myrename_c", "id INT PRIMARY KEY, a VARCHAR(10)");
        String q = MariaDbDriver.q(t);
        SourceRunner first = start(options(), Optional.empty());
        db.execute("INSERT INTO " + q + " VALUES (1, 'one')");
        first.context().awaitChanges(e -> e.table().equals(t), 1, Duration.ofSeconds(30));
        Position row1 = changes(first, t).get(0).position();
        first.close();

        db.execute("ALTER TABLE " + q + " RENAME COLUMN a TO b");
        db.execute("ALTER TABLE " + q + " CHANGE COLUMN b c VARCHAR(10), ADD COLUMN d INT");
        db.execute("INSERT INTO " + q + " VALUES (2, 'two', 2)");

        SourceRunner caughtUp = start(options(), Optional.of(row1));
        caughtUp.context().awaitChanges(e -> e.table().equals(t), 1, Duration.ofSeconds(30));
        List<StreamEvent> events = tail(caughtUp, t);
        assertThat(events).hasSize(2);
        SchemaChangeEvent change = (SchemaChangeEvent) events.get(0);
        assertThat(change.changes()).containsExactly(new SchemaChange.RenameColumn("a", "c"),
                new SchemaChange.AddColumn(change.after().orElseThrow().column("d").orElseThrow(), Optional.of("c")));
        assertThat(change.ddl()).hasValueSatisfying(d -> assertThat(d).contains("RENAME COLUMN a TO b")
                .contains("CHANGE COLUMN b c"));
        assertThat(((ChangeEvent) events.get(1)).after().orElseThrow().asMap()).containsEntry("c", "two");
        caughtUp.close();

        // a replay, now with the version in the history: the same schema change
        SourceRunner replay = start(options(), Optional.of(row1));
        replay.context().awaitChanges(e -> e.table().equals(t), 1, Duration.ofSeconds(30));
        List<StreamEvent> again = tail(replay, t);
        assertThat(again).hasSize(2);
        SchemaChangeEvent replayed = (SchemaChangeEvent) again.get(0);
        assertThat(replayed.changes()).isEqualTo(change.changes());
        assertThat(replayed.position()).isEqualTo(change.position());
    }

    /** The table's events from its first row on (the snapshot's announcement left out). */
    private static List<StreamEvent> tail(SourceRunner r, TableId t) {
        List<StreamEvent> events = r.context().events().stream().filter(e -> e.table().equals(t)).toList();
        int first = 0;
        while (first < events.size() && !(events.get(first) instanceof ChangeEvent)
                && ((SchemaChangeEvent) events.get(first)).before().isEmpty()) {
            first++;
        }
        return events.subList(first, events.size());
    }
}
