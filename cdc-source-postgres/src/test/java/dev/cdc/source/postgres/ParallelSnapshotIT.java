package dev.cdc.source.postgres;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Three tables read at once inside one exported snapshot, under writers; the stream takes over exactly. */
class ParallelSnapshotIT extends PgTestBase {

    @Test
    void threeTablesInParallelInterleaveWithIncreasingPositionsAndEndInTheTablesState() throws Exception {
        List<String> names = new ArrayList<>();
        for (String suffix : List.of("x", "y", "z")) {
            String t = table(suffix, "id bigint PRIMARY KEY, v bigint NOT NULL");
            Pg.exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(1, 10000) g");
            names.add(t);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong writes = new AtomicLong();
        List<Thread> writers = startWriters(names, stop, writes, 10000);
        SourceRunner r;
        try {
            Thread.sleep(200);
            r = start(options("snapshot-chunk-size", 1000, "batch-size", 200, "snapshot-parallelism", 3),
                    Optional.empty());
            await("the three tables' snapshots", () -> r.context().snapshotProgress().stream()
                    .filter(p -> p.finished()).count() == 3, Duration.ofSeconds(90));
            Thread.sleep(300);
        } finally {
            stopWriters(writers, stop);
        }
        for (String t : names) {
            Map<Object, Row> expected = tableState(t);
            await(t + " to reach the table's state", () -> fold(of(r, t)).equals(expected), Duration.ofSeconds(60));
            assertThat(count(r, t, Operation.READ)).as(t + " snapshot rows").isGreaterThan(9000);
        }
        List<StreamEvent> events = r.context().events();
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).position().sortKey()).as("positions increase in emit order")
                    .isGreaterThan(events.get(i - 1).position().sortKey());
        }
        // each table's schema event comes before its first row; the tables' rows interleave
        Set<String> announced = new HashSet<>();
        int switches = 0;
        String previous = null;
        for (StreamEvent e : events) {
            String t = e.table().name();
            if (e instanceof SchemaChangeEvent) {
                announced.add(t);
            } else if (e instanceof ChangeEvent c && c.operation() == Operation.READ) {
                assertThat(announced).contains(t);
                if (previous != null && !previous.equals(t)) {
                    switches++;
                }
                previous = t;
            }
        }
        assertThat(announced).containsExactlyInAnyOrderElementsOf(names);
        assertThat(switches).as("switches between tables among the snapshot rows").isGreaterThan(3);
        assertThat(writes.get()).isGreaterThan(100);
    }
}
