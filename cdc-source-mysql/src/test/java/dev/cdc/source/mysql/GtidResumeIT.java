package dev.cdc.source.mysql;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resuming by MariaDB GTID position: each streamed position carries the GTID position before its
 * transaction ({@code gtid_set}); a restart from a checkpoint in the middle of a transaction
 * reconnects with it and delivers exactly the rest, even when the checkpoint's file offset is
 * useless; with {@code use-gtid: false} the positions carry no GTID position and resuming goes by
 * file and offset.
 */
class GtidResumeIT extends MariaDbFixture {

    @Test
    void aRestartMidTransactionResumesByGtidPosition() throws Exception {
        TableId t = table("gtid", "id INT PRIMARY KEY, v INT");
        Map<String, Object> o = new HashMap<>(options());
        o.put("max-batch", 3);
        SourceRunner r = start(o, Optional.empty());
        insertTransaction(t, 1, 10);
        r.context().awaitChanges(e -> e.table().equals(t), 10, Duration.ofSeconds(30));
        List<ChangeEvent> first = changes(r, t);
        for (ChangeEvent e : first) {
            Map<String, String> offsets = e.position().offsets();
            assertThat(offsets).as("a streamed position on MariaDB").containsKeys("gtid", "gtid_set", "file", "pos");
            assertThat(offsets.get("gtid_set")).as("the GTID position before the transaction").isNotEmpty()
                    .isNotEqualTo(offsets.get("gtid"));
        }
        Position checkpoint = first.get(3).position(); // row 4 of 10
        r.close();
        insertTransaction(t, 11, 15);

        // the file offset is wrong on purpose: the GTID position alone finds the transaction
        Map<String, String> offsets = new HashMap<>(checkpoint.offsets());
        offsets.put("pos", "4");
        SourceRunner again = start(o, Optional.of(Position.of(offsets, checkpoint.sortKey())));
        again.context().awaitChanges(e -> e.table().equals(t), 11, Duration.ofSeconds(30));
        Thread.sleep(500);
        assertThat(changes(again, t)).extracting(e -> e.key().get("id"))
                .containsExactly(5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        assertThat(changes(again, t).get(0).position()).isEqualTo(first.get(4).position());
    }

    @Test
    void withoutGtidsPositionsAreFileAndOffsetAndResumeExactly() throws Exception {
        TableId t = table("nogtid", "id INT PRIMARY KEY, v INT");
        Map<String, Object> o = new HashMap<>(options());
        o.put("max-batch", 3);
        o.put("use-gtid", false);
        SourceRunner r = start(o, Optional.empty());
        insertTransaction(t, 1, 10);
        r.context().awaitChanges(e -> e.table().equals(t), 10, Duration.ofSeconds(30));
        List<ChangeEvent> first = changes(r, t);
        assertThat(first).allSatisfy(e -> assertThat(e.position().offsets()).doesNotContainKey("gtid_set"));
        Position checkpoint = first.get(6).position();
        r.close();
        insertTransaction(t, 11, 12);
        SourceRunner again = start(o, Optional.of(checkpoint));
        again.context().awaitChanges(e -> e.table().equals(t), 5, Duration.ofSeconds(30));
        Thread.sleep(500);
        assertThat(changes(again, t)).extracting(e -> e.key().get("id")).containsExactly(8, 9, 10, 11, 12);
    }

    private void insertTransaction(TableId t, int from, int to) throws Exception {
        db.connection.setAutoCommit(false);
        try (Statement s = db.connection.createStatement()) {
            for (int i = from; i <= to; i++) {
                s.execute("INSERT INTO " + MariaDbDriver.q(t) + " VALUES (" + i + ", " + i + ")");
            }
            db.connection.commit();
        } finally {
            db.connection.setAutoCommit(true);
        }
    }
}
