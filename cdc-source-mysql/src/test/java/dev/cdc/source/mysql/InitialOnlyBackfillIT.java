package dev.cdc.source.mysql;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.testkit.fixture.TestPluginContext;
import dev.cdc.testkit.source.RecordingSourceContext;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code snapshot-mode: initial-only} runs the queued backfills after its snapshot, as plain
 * chunked reads (no binlog to interleave with), then ends; restarted after its snapshot, it runs
 * the backfills queued since (placed after the earlier run's events) and reads no binlog.
 */
class InitialOnlyBackfillIT extends MariaDbFixture {

    @Test
    void queuedBackfillsRunAfterTheSnapshotAndAtARestartThenTheSourceEnds() throws Exception {
        TableId t = table("io", "id INT PRIMARY KEY, v INT NOT NULL");
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= 50; i++) {
            rows.append(i > 1 ? "," : "").append("(").append(i).append(",").append(i).append(")");
        }
        db.execute("INSERT INTO " + MariaDbDriver.q(t) + " VALUES " + rows);
        Map<String, Object> o = options();
        o.put("snapshot-mode", "initial-only");
        o.put("backfill-chunk-size", 4);
        SourceRunner first = run(o, Optional.empty(),
                new BackfillRequest("io-range", t, Optional.of("v % 5 = 0"), List.of(), Set.of(), Optional.empty()),
                new BackfillRequest("io-keys", t, Optional.empty(), List.of(List.of("7"), List.of("999")), Set.of("es"),
                        Optional.empty()));
        List<ChangeEvent> events = changes(first, t);
        List<ChangeEvent> snapshot = events.stream().filter(e -> e.header(BackfillRequest.ID_HEADER).isEmpty()).toList();
        assertThat(snapshot).hasSize(50).allMatch(e -> e.operation() == Operation.READ);
        assertThat(withId(events, "io-range")).extracting(e -> e.key().get("id"))
                .containsExactly(5, 10, 15, 20, 25, 30, 35, 40, 45, 50);
        assertThat(withId(events, "io-keys")).extracting(e -> e.operation() + " " + e.key().get("id"))
                .containsExactly("READ 7", "DELETE 999");
        assertIncreasing(first.context().events());

        // restarted from its last event, with a change in the binlog since and a new request: the request only
        List<StreamEvent> all = first.context().events();
        Position checkpoint = all.get(all.size() - 1).position();
        db.execute("UPDATE " + MariaDbDriver.q(t) + " SET v = -1 WHERE id = 1");
        SourceRunner second = run(o, Optional.of(checkpoint), BackfillRequest.table("io-again", t));
        List<ChangeEvent> again = changes(second, t);
        assertThat(again).hasSize(50).allMatch(e -> e.operation() == Operation.READ
                && e.header(BackfillRequest.ID_HEADER).equals(Optional.of("io-again")));
        assertThat(again.get(0).after().orElseThrow().get("v")).as("the row as it is now").isEqualTo(-1);
        assertThat(again.get(0).position().sortKey()).isGreaterThan(checkpoint.sortKey());
        assertIncreasing(second.context().events());
    }

    /** Runs the source with these requests queued until it ends by itself. */
    private SourceRunner run(Map<String, Object> o, Optional<Position> resume, BackfillRequest... queued)
            throws Exception {
        MySqlSourceFactory f = new MySqlSourceFactory();
        RecordingSourceContext context = new RecordingSourceContext(TestPluginContext.PIPELINE, resume);
        for (BackfillRequest q : queued) {
            context.addBackfill(q);
        }
        try (SourceRunner r = SourceRunner.start(f.create(TestPluginContext.bind(f, o, target, "source")), context,
                Duration.ofSeconds(60), Duration.ofSeconds(10))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (r.isRunning() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(r.isRunning()).as("the source ended by itself").isFalse();
            assertThat(r.failure()).isEmpty();
            assertThat(context.backfills()).as("nothing left to run").isEmpty();
            assertThat(context.backfillFailures()).isEmpty();
            return r;
        }
    }

    private static void assertIncreasing(List<StreamEvent> events) {
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).position().sortKey()).as("sort keys increase in emission order")
                    .isGreaterThan(events.get(i - 1).position().sortKey());
        }
    }

    private static List<ChangeEvent> withId(List<ChangeEvent> events, String id) {
        return events.stream().filter(e -> e.header(BackfillRequest.ID_HEADER).equals(Optional.of(id))).toList();
    }
}
