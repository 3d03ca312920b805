package dev.cdc.source.mysql;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.testkit.source.RecordingSourceContext;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backfills of the mysql source on the shared MariaDB: chunks between watermarks of the watermark
 * table, under a writer that updates, deletes and inserts rows of the chunks being read.
 */
class BackfillWindowIT extends MariaDbFixture {

    private static final int ROWS = 6_000;
    private static final int CHUNK = 250;

    /**
     * Every READ a backfill emits carries the row's value as of its position: replaying the stream
     * in emission order from the table's contents at the start, each READ equals the row there
     * (a stale chunk row, one the writer changed after the chunk read it, would differ by its
     * version). Applied by key, the events end equal to the table.
     */
    @Test
    void chunkRowsChangedInTheirWindowNeverReplaceNewerStreamedRows() throws Exception {
        TableId t = table("win", "id INT PRIMARY KEY, ver INT NOT NULL, pad VARCHAR(40)");
        try (Connection c = MariaDbDriver.open(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int i = 1; i <= ROWS; i++) {
                s.addBatch("INSERT INTO " + MariaDbDriver.q(t) + " VALUES (" + i + ", 0, 'row " + i + "')");
            }
            s.executeBatch();
            c.commit();
        }
        Map<Object, Row> initial = rows(t);
        Map<String, Object> o = options();
        o.put("snapshot-mode", "never");
        o.put("backfill-chunk-size", CHUNK);
        SourceRunner r = start(o, Optional.empty());
        RecordingSourceContext ctx = r.context();
        ctx.requestBackfill(new BackfillRequest("win-1", t, Optional.empty(), List.of(), Set.of("es"),
                Optional.empty()));

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        Thread writer = new Thread(() -> write(t, ctx, writing, writes), "backfill-writer");
        writer.start();
        try {
            ctx.awaitBackfillsDone(Duration.ofSeconds(180));
        } finally {
            writing.set(false);
            writer.join(10_000);
        }
        db.execute("INSERT INTO " + MariaDbDriver.q(t) + " VALUES (" + (10 * ROWS) + ", 0, 'end')");
        ctx.awaitChanges(e -> e.table().equals(t) && e.key().get("id").equals(10 * ROWS), 1, Duration.ofSeconds(60));

        List<ChangeEvent> events = changes(r, t);
        Map<Object, Row> state = new HashMap<>(initial);
        long reads = 0;
        for (ChangeEvent e : events) {
            Object key = e.key().get("id");
            if (e.operation() == Operation.READ) {
                reads++;
                assertThat(e.after()).as("READ of key %s at %s", key, e.position()).contains(state.get(key));
                assertThat(e.headers()).containsEntry(BackfillRequest.ID_HEADER, "win-1")
                        .containsEntry(BackfillRequest.SINKS_HEADER, "es");
            } else if (e.operation() == Operation.DELETE) {
                state.remove(key);
            } else {
                state.put(key, e.after().orElseThrow());
            }
        }
        assertThat(apply(newState(), events)).as("the events applied by key equal the table").isEqualTo(rows(t));
        assertThat(writes.get()).as("writes during the backfill").isGreaterThan(50);
        assertThat(reads).as("rows backfilled").isGreaterThan(ROWS / 2);
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).position().sortKey()).as("sort keys increase in emission order")
                    .isGreaterThan(events.get(i - 1).position().sortKey());
        }
        List<RecordingSourceContext.BackfillChunk> chunks = ctx.backfillChunks();
        assertThat(chunks).as("chunks (the writer deletes rows, so fewer than ROWS / CHUNK)").hasSizeGreaterThan(ROWS / CHUNK / 2);
        assertThat(chunks.get(chunks.size() - 1).finished()).isTrue();
        assertThat(chunks).allMatch(ch -> ch.rowsEstimated() > 0);
        assertThat(chunks.stream().mapToLong(RecordingSourceContext.BackfillChunk::rows).sum()).isEqualTo(reads);
        assertThat(r.failure()).isEmpty();
    }

    /** Updates, deletes and inserts rows just after the backfill's last finished chunk: the next chunk's rows. */
    private static void write(TableId t, RecordingSourceContext ctx, AtomicBoolean writing, AtomicLong writes) {
        try (Connection c = MariaDbDriver.open(); Statement s = c.createStatement()) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (writing.get()) {
                List<RecordingSourceContext.BackfillChunk> chunks = ctx.backfillChunks();
                int cursor = chunks.isEmpty() || chunks.get(chunks.size() - 1).lastKey().isEmpty() ? 0
                        : Integer.parseInt(chunks.get(chunks.size() - 1).lastKey().get(0));
                int id = cursor + 1 + random.nextInt(2 * CHUNK);
                int what = random.nextInt(10);
                String q = MariaDbDriver.q(t);
                if (what < 7) {
                    s.executeUpdate("UPDATE " + q + " SET ver = ver + 1 WHERE id = " + id);
                } else if (what < 9) {
                    s.executeUpdate("DELETE FROM " + q + " WHERE id = " + id);
                } else {
                    s.executeUpdate("INSERT IGNORE INTO " + q + " VALUES (" + id + ", 100, 're')");
                }
                writes.incrementAndGet();
            }
        } catch (Exception e) {
            throw new IllegalStateException("the writer failed", e);
        }
    }

    @Test
    void aKeyListEmitsReadsForFoundKeysAndDeletesForTheOthersAndAWhereLimitsARange() throws Exception {
        TableId t = table("keys", "id INT PRIMARY KEY, v VARCHAR(10)");
        db.execute("INSERT INTO " + MariaDbDriver.q(t) + " VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')");
        Map<String, Object> o = options();
        o.put("snapshot-mode", "never");
        SourceRunner r = start(o, Optional.empty());
        r.context().requestBackfill(new BackfillRequest("keys-1", t, Optional.empty(),
                List.of(List.of("2"), List.of("99")), Set.of(), Optional.empty()));
        r.context().requestBackfill(new BackfillRequest("where-1", t, Optional.of("v >= 'c'"), List.of(), Set.of(),
                Optional.empty()));
        r.context().awaitBackfillsDone(Duration.ofSeconds(60));
        List<ChangeEvent> keys = changes(r, t).stream()
                .filter(e -> "keys-1".equals(e.headers().get(BackfillRequest.ID_HEADER))).toList();
        assertThat(keys).extracting(ChangeEvent::operation, e -> e.key().get("id"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Operation.READ, 2),
                        org.assertj.core.groups.Tuple.tuple(Operation.DELETE, 99));
        assertThat(changes(r, t).stream().filter(e -> "where-1".equals(e.headers().get(BackfillRequest.ID_HEADER))))
                .extracting(e -> e.key().get("id")).containsExactly(3, 4);
        assertThat(r.context().backfillFailures()).isEmpty();
    }

    @Test
    void aMissingWatermarkTableFailsTheBackfillNamingTheStatementAndTheStreamGoesOn() throws Exception {
        TableId t = table("nowm", "id INT PRIMARY KEY");
        Map<String, Object> o = options();
        o.put("snapshot-mode", "never");
        o.put("setup", "manual");
        o.put("watermark-table", target.name("nowm_marks"));
        SourceRunner r = start(o, Optional.empty());
        r.context().requestBackfill(BackfillRequest.table("nowm-1", t));
        r.context().awaitBackfillsDone(Duration.ofSeconds(30));
        assertThat(r.context().backfillFailures()).singleElement().asString().startsWith("nowm-1: ")
                .contains("CREATE TABLE IF NOT EXISTS").contains(target.name("nowm_marks")).contains("cdc setup");
        db.execute("INSERT INTO " + MariaDbDriver.q(t) + " VALUES (1)");
        r.context().awaitChanges(e -> e.table().equals(t), 1, Duration.ofSeconds(30));
        assertThat(r.failure()).isEmpty();
    }

    private Map<Object, Row> rows(TableId t) throws Exception {
        Map<Object, Row> out = newState();
        try (Connection c = MariaDbDriver.open(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, ver, pad FROM " + MariaDbDriver.q(t) + " ORDER BY id")) {
            while (rs.next()) {
                out.put(rs.getInt(1), Row.of("id", rs.getInt(1), "ver", rs.getInt(2), "pad", rs.getString(3)));
            }
        }
        return out;
    }
}
