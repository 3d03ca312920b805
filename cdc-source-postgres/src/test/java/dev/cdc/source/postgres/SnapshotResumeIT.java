package dev.cdc.source.postgres;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.jdbc.snapshot.SnapshotState;
import dev.cdc.jdbc.snapshot.TableProgress;
import dev.cdc.source.postgres.position.PgPosition;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A crash in the middle of a snapshot resumes after the last delivered chunk, in a new snapshot. */
class SnapshotResumeIT extends PgTestBase {

    private static final int ROWS = 30_000;
    private static final int CHUNK = 1000;
    private static final int CHUNKS_BEFORE_CRASH = 5;

    @Test
    void crashMidSnapshotResumesAfterTheLastChunkAndEndsInTheTablesState() throws Exception {
        String t = table("a", "id bigint PRIMARY KEY, v bigint NOT NULL");
        Pg.exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(1, " + ROWS + ") g");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong writes = new AtomicLong();
        Thread writer = new Thread(() -> write(t, stop, writes, ROWS));
        writer.start();
        List<ChangeEvent> delivered;
        SourceRunner second;
        Position checkpoint;
        try {
            // first run: the sink takes 5 chunks, then the pipeline dies (no final checkpoint, no clean stop)
            Map<String, Object> options = options("snapshot-chunk-size", CHUNK, "batch-size", 500);
            delivered = crashAfter(options, CHUNKS_BEFORE_CRASH * CHUNK);
            checkpoint = delivered.get(delivered.size() - 1).position();
            assertThat(PgPosition.isSnapshot(checkpoint)).isTrue();
            assertThat(delivered).hasSize(CHUNKS_BEFORE_CRASH * CHUNK).allMatch(e -> e.operation() == Operation.READ);
            assertThat(Pg.confirmedFlush(slot)).as("the slot still sits at its consistent point")
                    .isEqualTo(PgPosition.lsn(checkpoint));

            second = start(options, Optional.of(checkpoint));
            await("the resumed snapshot to finish", () -> second.context().snapshotProgress().stream()
                    .anyMatch(p -> p.finished()), Duration.ofSeconds(60));
            Thread.sleep(300);
        } finally {
            stop.set(true);
            writer.join();
        }
        Map<Object, Row> expected = tableState(t);
        List<ChangeEvent> all = new ArrayList<>(delivered);
        await("the sink to reach the table's state", () -> {
            List<ChangeEvent> now = new ArrayList<>(delivered);
            now.addAll(of(second, t));
            return fold(now).equals(expected);
        }, Duration.ofSeconds(60));
        List<ChangeEvent> rest = of(second, t);
        all.addAll(rest);
        assertThat(writes.get()).as("concurrent writes").isGreaterThan(100);
        long lastKey = Long.parseLong(PgPosition.snapshotState(checkpoint).inProgress().values().iterator().next()
                .keys()[0]);
        List<ChangeEvent> reads = rest.stream().filter(e -> e.operation() == Operation.READ).toList();
        assertThat(reads).as("rows of the resumed snapshot").isNotEmpty();
        assertThat(reads).as("no row of a finished chunk is read again")
                .allMatch(e -> ((Number) e.key().get("id")).longValue() > lastKey);
        List<SchemaChangeEvent> schemas = second.context().events().stream()
                .filter(SchemaChangeEvent.class::isInstance).map(SchemaChangeEvent.class::cast).toList();
        assertThat(schemas).as("the resumed table's schema is announced again (unchanged) before its rows")
                .hasSize(1);
        assertThat(second.context().events().get(0)).isSameAs(schemas.get(0));
        assertThat(schemas.get(0).after().orElseThrow().columnNames()).containsExactly("id", "v");
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).position().sortKey()).as("positions increase across the restart")
                    .isGreaterThan(all.get(i - 1).position().sortKey());
        }
    }

    /**
     * A column added to the table between the crash and the restart: the resumed snapshot reads
     * the rest of the rows with the new column, so it announces the new schema before the first
     * of them (as the initial snapshot announces a table before its rows).
     */
    @Test
    void resumedAfterAddColumnAnnouncesTheNewSchemaBeforeItsRows() throws Exception {
        String t = table("d", "id bigint PRIMARY KEY, v bigint NOT NULL");
        Pg.exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(1, 6000) g");
        Map<String, Object> options = options("snapshot-chunk-size", CHUNK, "batch-size", 500);
        List<ChangeEvent> delivered = crashAfter(options, 2 * CHUNK);
        Position checkpoint = delivered.get(delivered.size() - 1).position();
        assertThat(delivered.get(0).after().orElseThrow().columnNames().names()).containsExactly("id", "v");

        Pg.exec("ALTER TABLE " + t + " ADD COLUMN note text NOT NULL DEFAULT 'x'");
        SourceRunner second = start(options, Optional.of(checkpoint));
        await("the resumed snapshot to finish", () -> second.context().snapshotProgress().stream()
                .anyMatch(p -> p.finished()), Duration.ofSeconds(60));

        List<StreamEvent> events = second.context().events();
        int firstRow = -1;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof ChangeEvent) {
                firstRow = i;
                break;
            }
        }
        assertThat(firstRow).as("rows after the checkpoint").isGreaterThan(0);
        List<SchemaChangeEvent> announced = events.subList(0, firstRow).stream()
                .filter(SchemaChangeEvent.class::isInstance).map(SchemaChangeEvent.class::cast).toList();
        assertThat(announced).as("a schema event before the first resumed row").hasSize(1);
        assertThat(announced.get(0).table().name()).isEqualTo(t);
        assertThat(announced.get(0).after().orElseThrow().columnNames()).containsExactly("id", "v", "note");
        assertThat(announced.get(0).position().sortKey()).isGreaterThan(checkpoint.sortKey());
        List<ChangeEvent> rest = of(second, t);
        assertThat(rest).hasSize(6000 - 2 * CHUNK)
                .allMatch(e -> e.after().orElseThrow().columnNames().names().equals(List.of("id", "v", "note")));
        assertThat(rest.get(0).after().orElseThrow().get("note")).isEqualTo("x");
    }

    @Test
    void crashInAParallelSnapshotResumesEveryTableWhereItStood() throws Exception {
        List<String> names = new ArrayList<>();
        for (String suffix : List.of("p1", "p2", "p3")) {
            String t = table(suffix, "id bigint PRIMARY KEY, v bigint NOT NULL");
            Pg.exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(1, 8000) g");
            names.add(t);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong writes = new AtomicLong();
        List<Thread> writers = startWriters(names, stop, writes, 8000);
        List<ChangeEvent> delivered;
        SourceRunner second;
        Position checkpoint;
        try {
            Map<String, Object> options = options("snapshot-chunk-size", 500, "batch-size", 100,
                    "snapshot-parallelism", 3);
            delivered = crashAfter(options, 9000);
            checkpoint = delivered.get(delivered.size() - 1).position();
            assertThat(Pg.confirmedFlush(slot)).isEqualTo(PgPosition.lsn(checkpoint));
            second = start(options, Optional.of(checkpoint));
            await("the resumed snapshot to finish", () -> second.context().snapshotProgress().stream()
                    .filter(p -> p.finished()).count() >= PgPosition.snapshotState(checkpoint).inProgress().size()
                    + 3 - PgPosition.snapshotState(checkpoint).next(), Duration.ofSeconds(60));
            Thread.sleep(300);
        } finally {
            stopWriters(writers, stop);
        }
        SnapshotState state = PgPosition.snapshotState(checkpoint);
        for (int i = 0; i < names.size(); i++) {
            String t = names.get(i);
            Map<Object, Row> expected = tableState(t);
            List<ChangeEvent> before = delivered.stream().filter(e -> e.table().name().equals(t)).toList();
            await(t + " to reach the table's state", () -> {
                List<ChangeEvent> now = new ArrayList<>(before);
                now.addAll(of(second, t));
                return fold(now).equals(expected);
            }, Duration.ofSeconds(60));
            List<ChangeEvent> reads = of(second, t).stream().filter(e -> e.operation() == Operation.READ).toList();
            TableProgress p = state.inProgress().get(i);
            if (i >= state.next()) {
                assertThat(before).as(t + " not started before the crash").isEmpty();
            } else if (p == null) {
                assertThat(reads).as(t + " finished before the crash: not read again").isEmpty();
            } else {
                long lastKey = p.keys().length == 0 ? 0 : Long.parseLong(p.keys()[0]);
                assertThat(reads).as(t + ": no row up to the checkpoint read again")
                        .allMatch(e -> ((Number) e.key().get("id")).longValue() > lastKey);
            }
        }
        List<String> keys = second.context().events().stream().map(e -> e.position().sortKey()).toList();
        for (int i = 0; i < keys.size(); i++) {
            assertThat(keys.get(i)).isGreaterThan(i == 0 ? checkpoint.sortKey() : keys.get(i - 1));
        }
        assertThat(state.inProgress()).as("tables in progress at the crash").isNotEmpty();
    }

    /**
     * Runs a source whose sink takes {@code rows} change events and then blocks; the engine
     * checkpoints the last one (a snapshot position: the slot does not move), then the pipeline
     * dies: no clean stop, no final checkpoint. Returns what the sink holds.
     */
    private List<ChangeEvent> crashAfter(Map<String, Object> options, int rows) throws Exception {
        CrashingContext crashing = new CrashingContext(rows);
        Source first = newSource(options);
        Thread run = new Thread(() -> {
            try {
                first.open(crashing);
                first.run(crashing);
            } catch (Exception e) {
                // interrupted by the crash
            }
        });
        run.start();
        assertThat(crashing.blocked.await(60, java.util.concurrent.TimeUnit.SECONDS)).as(rows + " rows").isTrue();
        List<ChangeEvent> delivered = crashing.changes();
        first.commit(delivered.get(delivered.size() - 1).position());
        first.close();
        run.interrupt();
        run.join(10_000);
        return delivered;
    }

    /** Records events until {@code limit} change events arrived; the next emit blocks until interrupted. */
    private static final class CrashingContext implements SourceContext {
        private final int limit;
        private final List<ChangeEvent> changes = new ArrayList<>();
        final CountDownLatch blocked = new CountDownLatch(1);

        CrashingContext(int limit) {
            this.limit = limit;
        }

        @Override
        public String pipelineName() {
            return "it";
        }

        @Override
        public Optional<Position> resumePosition() {
            return Optional.empty();
        }

        @Override
        public void emit(List<? extends StreamEvent> events) throws InterruptedException {
            synchronized (this) {
                if (changes.size() < limit) {
                    for (StreamEvent e : events) {
                        if (e instanceof ChangeEvent c) {
                            changes.add(c);
                        }
                    }
                    return;
                }
            }
            blocked.countDown();
            new CountDownLatch(1).await();
        }

        synchronized List<ChangeEvent> changes() {
            return List.copyOf(changes);
        }

        @Override
        public boolean isStopping() {
            return false;
        }
    }
}
