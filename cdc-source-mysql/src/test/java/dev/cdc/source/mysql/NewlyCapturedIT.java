package dev.cdc.source.mysql;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
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
 * Tables that start being captured with rows that never went through the binlog under the
 * captured name are backfilled by the mysql source itself, on the shared MariaDB: a changed
 * {@code tables} filter between runs, a RENAME of an uncaptured table to a captured name. The
 * requests' ids derive from binlog positions, so a crash and replay asks for the same ones.
 * CREATE TABLE ... SELECT needs no backfill (its rows are row events).
 */
class NewlyCapturedIT extends MariaDbFixture {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aTableTheChangedFilterCapturesIsBackfilledWithTheSameIdAfterACrash() throws Exception {
        TableId a = table("fa", "id INT PRIMARY KEY, v VARCHAR(10)");
        TableId b = table("fb", "id INT PRIMARY KEY, v VARCHAR(10)");
        db.execute("INSERT INTO " + MariaDbDriver.q(a) + " VALUES (1, 'a1')");
        db.execute("INSERT INTO " + MariaDbDriver.q(b) + " VALUES (1, 'b1'), (2, 'b2')");
        Map<String, Object> o = TestOptions.of(target.name() + "_fa");
        SourceRunner first = start(o, Optional.empty());
        first.context().awaitChanges(e -> e.table().equals(a), 1, WAIT);
        db.execute("INSERT INTO " + MariaDbDriver.q(a) + " VALUES (2, 'a2')");
        first.context().awaitChanges(e -> e.table().equals(a) && e.operation() == Operation.CREATE, 1, WAIT);
        Position checkpoint = last(first);
        first.close();
        assertThat(changes(first, b)).as("b is not captured in the first run").isEmpty();
        Path filterFile = stateDirectory().resolve("capture-filter.txt");
        byte[] firstFilter = Files.readAllBytes(filterFile);

        db.execute("INSERT INTO " + MariaDbDriver.q(b) + " VALUES (3, 'b3')"); // while down: in the binlog, not captured then
        Map<String, Object> wider = TestOptions.of(target.name() + "_f.*");
        SourceRunner second = start(wider, Optional.of(checkpoint));
        awaitIds(second, 1);
        second.context().awaitBackfillsDone(WAIT);
        List<String> ids = second.context().backfillIds();
        assertThat(ids).as("one request, for b only").singleElement().asString().startsWith("capture-")
                .endsWith("-" + b.namespace() + "." + b.name());
        assertThat(second.context().backfillFailures()).isEmpty();
        assertThat(apply(newState(), changes(second, b)).keySet()).as("b's rows reach the events")
                .containsExactlyInAnyOrder(1, 2, 3);
        second.close();

        // a crash before the filter file was replaced: the same checkpoint, the old file: the same id again
        Files.write(filterFile, firstFilter);
        SourceRunner third = start(wider, Optional.of(checkpoint));
        awaitIds(third, 1);
        third.context().awaitBackfillsDone(WAIT);
        assertThat(third.context().backfillIds()).isEqualTo(ids);
        third.close();

        // the filter file now holds the wider filter: a restart with it asks for nothing
        SourceRunner fourth = start(wider, Optional.of(checkpoint));
        db.execute("INSERT INTO " + MariaDbDriver.q(b) + " VALUES (4, 'b4')");
        fourth.context().awaitChanges(e -> e.table().equals(b) && e.key().get("id").equals(4), 1, WAIT);
        assertThat(fourth.context().backfillIds()).isEmpty();
    }

    @Test
    void aTableRenamedIntoTheCaptureIsBackfilledAndAReplayAsksForTheSameId() throws Exception {
        TableId x = table("other_x", "id INT PRIMARY KEY, v VARCHAR(10)");
        TableId c = table("cap_r", "id INT PRIMARY KEY"); // created so the fixture drops it; renamed over below
        db.execute("DROP TABLE " + MariaDbDriver.q(c));
        db.execute("INSERT INTO " + MariaDbDriver.q(x) + " VALUES (1, 'x1'), (2, 'x2'), (3, 'x3')");
        SourceRunner r = start(capturing("_cap_.*"), Optional.empty());
        TableId marker = table("cap_m", "id INT PRIMARY KEY");
        db.execute("INSERT INTO " + MariaDbDriver.q(marker) + " VALUES (1)");
        ChangeEvent before = r.context().awaitChanges(e -> e.table().equals(marker), 1, WAIT).get(0);
        db.execute("RENAME TABLE " + MariaDbDriver.q(x) + " TO " + MariaDbDriver.q(c));
        awaitIds(r, 1);
        r.context().awaitBackfillsDone(WAIT);
        List<String> ids = r.context().backfillIds();
        assertThat(ids).singleElement().asString().startsWith("capture-").endsWith("-" + c.namespace() + "."
                + c.name());
        assertThat(changes(r, c).stream().filter(e -> e.operation() == Operation.READ).map(e -> e.key().get("id")))
                .containsExactlyInAnyOrder(1, 2, 3);
        r.close();

        // replayed from a checkpoint before the RENAME: the same request
        SourceRunner replay = start(capturing("_cap_.*"), Optional.of(before.position()));
        awaitIds(replay, 1);
        assertThat(replay.context().backfillIds()).isEqualTo(ids);
    }

    @Test
    void createTableSelectRowsComeThroughTheBinlogWithoutABackfill() throws Exception {
        TableId src = table("other_src", "id INT PRIMARY KEY, v VARCHAR(10)");
        db.execute("INSERT INTO " + MariaDbDriver.q(src) + " VALUES (1, 's1'), (2, 's2')");
        SourceRunner r = start(capturing("_cap_.*"), Optional.empty());
        TableId copy = table("cap_copy", "id INT PRIMARY KEY");
        db.execute("DROP TABLE " + MariaDbDriver.q(copy));
        Thread.sleep(1000);
        db.execute("CREATE TABLE " + MariaDbDriver.q(copy) + " (PRIMARY KEY (id)) SELECT * FROM "
                + MariaDbDriver.q(src));
        List<ChangeEvent> rows = r.context().awaitChanges(e -> e.table().equals(copy), 2, WAIT);
        assertThat(rows).allMatch(e -> e.operation() == Operation.CREATE);
        assertThat(rows.stream().map(e -> e.key().get("id"))).containsExactlyInAnyOrder(1, 2);
        Thread.sleep(1000);
        assertThat(r.context().backfillIds()).as("CREATE ... SELECT needs no backfill").isEmpty();
    }

    /** Streaming from the binlog's end, capturing the tables named by the target's name and {@code suffix}. */
    private Map<String, Object> capturing(String suffix) {
        Map<String, Object> o = TestOptions.of(target.name() + suffix);
        o.put("snapshot-mode", "never");
        return o;
    }

    private Path stateDirectory() {
        return target.directory().resolve("state").resolve("source");
    }

    private static Position last(SourceRunner r) {
        List<StreamEvent> events = r.context().events();
        return events.get(events.size() - 1).position();
    }

    private static void awaitIds(SourceRunner r, int n) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (r.context().backfillIds().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
