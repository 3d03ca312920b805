package dev.cdc.source.mysql;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restart from a checkpoint inside the snapshot: the finished table is not read again, the
 * table in progress continues after its checkpointed key, its schema announced again as it is now
 * (a column added between the crash and the restart shapes the rows still to read), the table not
 * started is read whole with its schema event; a change made meanwhile is streamed.
 */
class SnapshotResumeIT extends MariaDbFixture {

    @Test
    void resumesAfterTheLastDeliveredKeyAndSkipsFinishedTables() throws Exception {
        TableId a = table("res_a", "id INT PRIMARY KEY, v INT");
        TableId b = table("res_b", "id INT PRIMARY KEY, v INT");
        TableId c = table("res_c", "id INT PRIMARY KEY, v INT");
        for (TableId t : List.of(a, b, c)) {
            db.execute("INSERT INTO " + MariaDbDriver.q(t) + " SELECT seq, seq FROM seq_1_to_1000");
        }
        Map<String, Object> o = smallChunksInitialOnly();
        SourceRunner first = start(o, Optional.empty());
        first.context().awaitChanges(e -> e.table().equals(c), 1000, Duration.ofSeconds(30));
        // the checkpoint: table b's row 450 (a finished, b in progress, c not started)
        ChangeEvent checkpoint = changes(first, b).get(449);
        assertThat(checkpoint.position().offsets()).containsEntry("snapshot", "true").containsEntry("next", "2")
                .containsEntry("t.1", b.toString()).containsEntry("t.1.key.0", "450").doesNotContainKey("t.0");
        first.close();
        db.execute("UPDATE " + MariaDbDriver.q(a) + " SET v = -1 WHERE id = 1");

        o.put("snapshot-mode", "initial");
        SourceRunner again = start(o, Optional.of(checkpoint.position()));
        again.context().awaitChanges(e -> e.table().equals(a) && e.operation() == Operation.UPDATE, 1,
                Duration.ofSeconds(30));
        List<StreamEvent> events = again.context().events();
        assertThat(events.stream().filter(e -> e.table().equals(a) && e instanceof ChangeEvent x
                && x.operation() == Operation.READ)).as("the finished table is not read again").isEmpty();
        assertThat(changes(again, b)).extracting(e -> e.key().get("id")).as("b after its checkpointed key")
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(451, 1000).boxed().toList());
        assertThat(changes(again, c)).hasSize(1000);
        List<TableId> announced = events.stream().filter(SchemaChangeEvent.class::isInstance).map(StreamEvent::table)
                .toList();
        assertThat(announced).as("schema events: the table in progress (again, unchanged) and the table not started")
                .containsExactly(b, c);
        assertThat(events.get(0).position().sortKey()).isGreaterThan(checkpoint.position().sortKey());
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).position().sortKey()).isGreaterThan(events.get(i - 1).position().sortKey());
        }
        ChangeEvent update = changes(again, a).get(0);
        assertThat(update.after().orElseThrow().get("v")).isEqualTo(-1);
    }

    @Test
    void aColumnAddedBeforeTheRestartIsAnnouncedBeforeTheResumedRows() throws Exception {
        TableId b = table("ddl_b", "id INT PRIMARY KEY, v INT");
        db.execute("INSERT INTO " + MariaDbDriver.q(b) + " SELECT seq, seq FROM seq_1_to_1000");
        Map<String, Object> o = smallChunksInitialOnly();
        SourceRunner first = start(o, Optional.empty());
        first.context().awaitChanges(e -> e.table().equals(b), 1000, Duration.ofSeconds(30));
        ChangeEvent checkpoint = changes(first, b).get(449);
        first.close();
        db.execute("ALTER TABLE " + MariaDbDriver.q(b) + " ADD COLUMN w INT NOT NULL DEFAULT 7");

        o.put("snapshot-mode", "initial");
        SourceRunner again = start(o, Optional.of(checkpoint.position()));
        again.context().awaitChanges(e -> e.table().equals(b), 550, Duration.ofSeconds(30));
        List<StreamEvent> events = again.context().events();
        assertThat(events.get(0)).as("the first event after the checkpoint").isInstanceOf(SchemaChangeEvent.class);
        SchemaChangeEvent announced = (SchemaChangeEvent) events.get(0);
        assertThat(announced.table()).isEqualTo(b);
        assertThat(announced.after().orElseThrow().columnNames()).containsExactly("id", "v", "w");
        assertThat(changes(again, b)).hasSize(550)
                .allMatch(e -> e.after().orElseThrow().columnNames().names().equals(List.of("id", "v", "w")));
        assertThat(changes(again, b).get(0).after().orElseThrow().get("w")).isEqualTo(7);
    }

    /** Chunks of 100 rows, one table at a time, snapshot only (the first run, before the "crash"). */
    private Map<String, Object> smallChunksInitialOnly() {
        Map<String, Object> o = new HashMap<>(options());
        o.put("snapshot-chunk-size", 100);
        o.put("max-batch", 50);
        o.put("snapshot-parallelism", 1);
        o.put("snapshot-mode", "initial-only");
        return o;
    }
}
