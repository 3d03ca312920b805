package dev.cdc.source.postgres;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.source.postgres.position.PgPosition;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The snapshot hands over to the stream exactly: no row lost, none doubled where it cannot be. */
class SnapshotHandoverIT extends PgTestBase {

    @Test
    void snapshotUnderConcurrentWritesEndsInTheTablesState() throws Exception {
        String t = table("a", "id bigint PRIMARY KEY, v bigint NOT NULL");
        Pg.exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(1, 20000) g");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong writes = new AtomicLong();
        Thread writer = new Thread(() -> write(t, stop, writes, 20000));
        writer.start();
        SourceRunner r;
        try {
            Thread.sleep(200);
            r = start(options("snapshot-chunk-size", 1000), Optional.empty());
            await("the snapshot's last row", () -> r.context().snapshotProgress().stream()
                    .anyMatch(p -> p.finished()), Duration.ofSeconds(60));
            Thread.sleep(300);
        } finally {
            stop.set(true);
            writer.join();
        }
        Map<Object, Row> expected = tableState(t);
        await("the stream to reach the table's state", () -> fold(of(r, t)).equals(expected), Duration.ofSeconds(60));
        List<ChangeEvent> events = of(r, t);
        assertThat(writes.get()).as("concurrent writes").isGreaterThan(100);
        assertThat(count(r, t, Operation.READ)).as("snapshot rows").isGreaterThan(19000);
        // every READ sorts before every streamed event, and positions increase
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).position().sortKey()).isGreaterThan(events.get(i - 1).position().sortKey());
        }
        long lastRead = events.stream().filter(e -> e.operation() == Operation.READ).count();
        assertThat(events.subList(0, (int) lastRead)).allMatch(e -> e.operation() == Operation.READ);
        assertThat(PgPosition.isSnapshot(events.get(0).position())).isTrue();
        // the progress shows an estimate
        assertThat(r.context().snapshotProgress()).isNotEmpty();
    }

    @Test
    void handoverRaceLosesNothing() throws Exception {
        for (int round = 0; round < 20; round++) {
            String t = table("r" + round, "id bigint PRIMARY KEY, v bigint NOT NULL");
            Pg.exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(1, 50) g");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            Thread writer = new Thread(() -> write(t, stop, writes, 50));
            writer.start();
            SourceRunner r;
            String roundSlot = slot + "_" + round;
            try {
                Thread.sleep(ThreadLocalRandom.current().nextInt(30));
                r = start(options("slot", roundSlot, "tables", t), Optional.empty());
                Thread.sleep(ThreadLocalRandom.current().nextInt(100));
            } finally {
                stop.set(true);
                writer.join();
            }
            Map<Object, Row> expected = tableState(t);
            try {
                await("round " + round + " to converge", () -> fold(of(r, t)).equals(expected), Duration.ofSeconds(30));
            } finally {
                r.close();
                Pg.dropSlotAndPublication(roundSlot, roundSlot);
            }
        }
    }
}
