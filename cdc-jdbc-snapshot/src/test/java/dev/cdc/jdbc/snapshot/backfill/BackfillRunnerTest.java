package dev.cdc.jdbc.snapshot.backfill;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.jdbc.snapshot.KeysetTable;
import dev.cdc.jdbc.snapshot.ReadRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chunk loop on an embedded H2 table, the "log" being the list of watermarks written: chunks
 * in key order with resume points, the window dropping changed rows, key lists with DELETEs for
 * absent keys, headers, and a request that cannot run.
 */
class BackfillRunnerTest {

    private static final TableId T = TableId.of("PUBLIC", "BF");

    private Connection h2;
    private final List<String> log = new ArrayList<>();
    private final List<BackfillRequest> requests = new ArrayList<>();
    private final List<String> reports = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final List<StreamEvent> emitted = new ArrayList<>();

    @BeforeEach
    void createTable() throws Exception {
        h2 = DriverManager.getConnection("jdbc:h2:mem:backfill;DB_CLOSE_DELAY=-1");
        try (Statement st = h2.createStatement()) {
            st.execute("DROP TABLE IF EXISTS BF");
            st.execute("CREATE TABLE BF (ID INT PRIMARY KEY, V VARCHAR(10))");
            for (int i = 1; i <= 10; i++) {
                st.execute("INSERT INTO BF VALUES (" + i + ", 'v" + i + "')");
            }
        }
    }

    @AfterEach
    void close() throws Exception {
        h2.close();
    }

    private BackfillRunner runner(int chunkSize) {
        KeysetTable keyset = new KeysetTable(T, "PUBLIC.BF", "ID, V", List.of("ID"), List.of("CAST(? AS INT)"),
                KeysetTable.Syntax.LIMIT, rs -> new ReadRow(Row.of("ID", rs.getInt(1)),
                Row.of("ID", rs.getInt(1), "V", rs.getString(2)), new String[] {rs.getString(1)}),
                KeysetTable.KeyBinder.TEXT);
        BackfillRunner.BackfillTable table = new BackfillRunner.BackfillTable(keyset, List.of("ID"),
                k -> Row.of("ID", Integer.parseInt(k.get(0))), 10);
        return new BackfillRunner(context(), new BackfillRunner.Database() {
            @Override
            public Optional<BackfillRunner.BackfillTable> table(TableId t) {
                return t.equals(T) ? Optional.of(table) : Optional.empty();
            }

            @Override
            public void watermark(String text) {
                log.add(text);
            }

            @Override
            public Connection readConnection() {
                return h2;
            }
        }, chunkSize);
    }

    private SourceContext context() {
        return new SourceContext() {
            @Override
            public String pipelineName() {
                return "test";
            }

            @Override
            public Optional<Position> resumePosition() {
                return Optional.empty();
            }

            @Override
            public void emit(List<? extends StreamEvent> events) {
                emitted.addAll(events);
            }

            @Override
            public boolean isStopping() {
                return false;
            }

            @Override
            public List<BackfillRequest> backfills() {
                return List.copyOf(requests);
            }

            @Override
            public void backfillChunk(String id, List<String> lastKey, Position at, long rows, long rowsEstimated,
                                      boolean finished) {
                reports.add(id + " " + lastKey + " " + rows + "/" + rowsEstimated + (finished ? " finished" : ""));
                if (finished) {
                    requests.removeIf(r -> r.id().equals(id));
                }
            }

            @Override
            public void backfillFailed(String id, String reason) {
                failures.add(id + ": " + reason);
                requests.removeIf(r -> r.id().equals(id));
            }
        };
    }

    /** Delivers the watermarks written so far, as the log would, and returns whether a chunk ended. */
    private boolean deliver(BackfillRunner runner) throws Exception {
        boolean ended = false;
        for (String w : List.copyOf(log)) {
            ended |= runner.watermark(w, i -> Position.ofSequence(1000 + i), emitted::addAll);
        }
        log.clear();
        return ended;
    }

    private List<Object> ids(Operation op) {
        return emitted.stream().map(e -> (ChangeEvent) e).filter(e -> e.operation() == op)
                .map(e -> e.key().get("ID")).toList();
    }

    @Test
    void aTableIsReadInChunksWithResumePointsAndTheWindowDropsChangedRows() throws Exception {
        requests.add(BackfillRequest.table("b1", T));
        BackfillRunner runner = runner(4);
        runner.poll();
        assertThat(runner.inFlight()).isTrue();
        assertThat(log).hasSize(2);
        assertThat(Watermark.parse(log.get(0)).orElseThrow().high()).isFalse();
        runner.poll(); // a chunk is in flight: nothing more is written
        assertThat(log).hasSize(2);
        // the log changed row 2 while the chunk was in flight
        runner.changed(ChangeEvent.update(T, Row.of("ID", 2), Row.of("ID", 2, "V", "v2"), Row.of("ID", 2, "V", "new"),
                Instant.EPOCH, Position.ofSequence(5)));
        assertThat(deliver(runner)).isTrue();
        assertThat(ids(Operation.READ)).containsExactly(1, 3, 4);
        int guard = 0;
        while (!requests.isEmpty() && guard++ < 10) {
            runner.poll();
            deliver(runner);
        }
        assertThat(ids(Operation.READ)).containsExactly(1, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(reports).containsExactly("b1 [4] 3/10", "b1 [8] 4/10", "b1 [10] 2/10 finished");
        assertThat(emitted).allSatisfy(e -> assertThat(((ChangeEvent) e).header(BackfillRequest.ID_HEADER))
                .contains("b1"));
        assertThat(((ChangeEvent) emitted.get(0)).header(BackfillRequest.SINKS_HEADER)).isEmpty();
    }

    @Test
    void aResumedRequestStartsAfterItsResumePointAndAWhereNarrowsIt() throws Exception {
        requests.add(new BackfillRequest("b2", T, Optional.of("MOD(ID, 2) = 0"), List.of(), Set.of("es", "redis"),
                Optional.of(List.of("5"))));
        BackfillRunner runner = runner(100);
        runner.poll();
        deliver(runner);
        assertThat(ids(Operation.READ)).containsExactly(6, 8, 10);
        assertThat(((ChangeEvent) emitted.get(0)).header(BackfillRequest.SINKS_HEADER)).contains("es,redis");
        assertThat(reports).containsExactly("b2 [10] 3/10 finished");
    }

    @Test
    void aKeyListReadsFoundKeysAndDeletesAbsentOnes() throws Exception {
        requests.add(new BackfillRequest("b3", T, Optional.empty(), List.of(List.of("3"), List.of("42"), List.of("7"),
                List.of("43")), Set.of(), Optional.empty()));
        BackfillRunner runner = runner(2);
        runner.poll();
        runner.changed(ChangeEvent.delete(T, Row.of("ID", 3), Row.of("ID", 3), Instant.EPOCH, Position.ofSequence(1)));
        deliver(runner);
        assertThat(ids(Operation.READ)).isEmpty();
        assertThat(ids(Operation.DELETE)).containsExactly(42);
        runner.poll();
        deliver(runner);
        assertThat(ids(Operation.READ)).containsExactly(7);
        assertThat(ids(Operation.DELETE)).containsExactly(42, 43);
        assertThat(reports).containsExactly("b3 [42] 1/4", "b3 [43] 2/4 finished");
    }

    @Test
    void aWatermarkOfAnotherChunkOrAnEarlierSessionIsIgnored() throws Exception {
        requests.add(BackfillRequest.table("b4", T));
        BackfillRunner runner = runner(100);
        runner.poll();
        assertThat(runner.watermark("b4:1:high", i -> Position.ofSequence(i), emitted::addAll)).isFalse();
        assertThat(runner.inFlight()).isTrue();
        runner.restart();
        assertThat(deliver(runner)).isFalse();
        assertThat(emitted).isEmpty();
    }

    @Test
    void aRequestThatCannotRunIsReportedFailedAndTheNextOneRuns() throws Exception {
        requests.add(new BackfillRequest("bad", T, Optional.of("NO_SUCH_COLUMN = 1"), List.of(), Set.of(),
                Optional.empty()));
        requests.add(BackfillRequest.table("unknown", TableId.of("PUBLIC", "NOPE")));
        requests.add(BackfillRequest.table("good", T));
        BackfillRunner runner = runner(100);
        runner.poll();
        assertThat(failures).hasSize(2);
        assertThat(failures.get(0)).startsWith("bad: reading table PUBLIC.BF failed");
        assertThat(failures.get(1)).isEqualTo("unknown: table PUBLIC.NOPE is not captured by this source");
        deliver(runner);
        assertThat(reports).containsExactly("good [10] 10/10 finished");
    }

    /**
     * Keys and a WHERE together: a listed key whose row the condition rejects exists, so it is
     * neither read nor deleted; a key the table does not hold is deleted whatever the condition.
     */
    @Test
    void aKeyListWithAWhereReadsOnlyTheKeysItAcceptsAndDeletesOnlyAbsentOnes() throws Exception {
        requests.add(new BackfillRequest("b5", T, Optional.of("MOD(ID, 2) = 0"), List.of(List.of("3"), List.of("4"),
                List.of("42"), List.of("8")), Set.of(), Optional.empty()));
        BackfillRunner runner = runner(100);
        runner.poll();
        deliver(runner);
        assertThat(ids(Operation.READ)).containsExactly(4, 8);
        assertThat(ids(Operation.DELETE)).as("3 exists outside the WHERE: not deleted").containsExactly(42);
        assertThat(reports).containsExactly("b5 [8] 3/4 finished");
    }

    /** A condition that is NULL for a row (as SQL's WHERE) rejects it; a key list keeps its order of chunks. */
    @Test
    void aKeyListWhereThatIsNullForARowLeavesItAlone() throws Exception {
        try (Statement st = h2.createStatement()) {
            st.execute("UPDATE BF SET V = NULL WHERE ID = 2");
        }
        var read = KeyListReader.read(h2, runnerKeyset(), List.of(List.of("1"), List.of("2"), List.of("77")),
                Optional.of("V LIKE 'v%'"));
        assertThat(read.found()).extracting(r -> r.key().get("ID")).containsExactly(1);
        assertThat(read.absent()).containsExactly(List.of("77"));
        assertThat(read.outside()).isEqualTo(1);
    }

    /** Without a log: each chunk is read and emitted at once, at the positions the source gives. */
    @Test
    void emitNowReadsAndEmitsAChunkWithoutWatermarksThroughALog() throws Exception {
        requests.add(BackfillRequest.table("b6", T));
        BackfillRunner runner = runner(6);
        assertThat(runner.emitNow(i -> Position.ofSequence(100 + i), emitted::addAll)).isTrue();
        assertThat(runner.inFlight()).isFalse();
        assertThat(ids(Operation.READ)).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(runner.emitNow(i -> Position.ofSequence(200 + i), emitted::addAll)).isTrue();
        assertThat(runner.emitNow(i -> Position.ofSequence(300 + i), emitted::addAll)).isFalse();
        assertThat(ids(Operation.READ)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(reports).containsExactly("b6 [6] 6/10", "b6 [10] 4/10 finished");
    }

    private static KeysetTable runnerKeyset() {
        return new KeysetTable(T, "PUBLIC.BF", "ID, V", List.of("ID"), List.of("CAST(? AS INT)"),
                KeysetTable.Syntax.LIMIT, rs -> new ReadRow(Row.of("ID", rs.getInt(1)),
                Row.of("ID", rs.getInt(1), "V", rs.getString(2)), new String[] {rs.getString(1)}),
                KeysetTable.KeyBinder.TEXT);
    }
}
