package dev.cdc.source.postgres;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
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
 * chunked reads (there is no stream to interleave with), then ends: a range with a condition, in
 * several chunks, and a key list whose absent key becomes a DELETE.
 */
class InitialOnlyBackfillIT extends PgTestBase {

    @Test
    void queuedBackfillsRunAfterTheSnapshotThenTheSourceEnds() throws Exception {
        String t = table("io", "id bigint PRIMARY KEY, v bigint NOT NULL");
        Pg.exec("INSERT INTO " + t + " SELECT g, g FROM generate_series(1, 50) g");
        TableId table = TableId.of("public", t);
        SourceRunner r = start(options("snapshot-mode", "initial-only", "backfill-chunk-size", 4), Optional.empty(),
                new BackfillRequest("io-range", table, Optional.of("v % 5 = 0"), List.of(), Set.of(), Optional.empty()),
                new BackfillRequest("io-keys", table, Optional.empty(), List.of(List.of("7"), List.of("999")),
                        Set.of("es"), Optional.empty()));
        await("the source ends", () -> !r.isRunning(), Duration.ofSeconds(120));
        assertThat(r.failure()).isEmpty();
        assertThat(r.context().backfills()).as("nothing left to run").isEmpty();
        assertThat(r.context().backfillFailures()).isEmpty();

        List<ChangeEvent> events = of(r, t);
        List<ChangeEvent> snapshot = events.stream().filter(e -> e.header(BackfillRequest.ID_HEADER).isEmpty()).toList();
        List<ChangeEvent> range = withId(events, "io-range");
        List<ChangeEvent> keys = withId(events, "io-keys");
        assertThat(snapshot).hasSize(50).allMatch(e -> e.operation() == Operation.READ);
        assertThat(range).extracting(e -> e.key().get("id"))
                .containsExactly(5L, 10L, 15L, 20L, 25L, 30L, 35L, 40L, 45L, 50L);
        assertThat(keys).extracting(e -> e.operation() + " " + e.key().get("id")).containsExactly("READ 7", "DELETE 999");
        assertThat(BackfillIT.chunks(r, "io-range")).as("chunks of 4 rows").hasSizeGreaterThanOrEqualTo(3)
                .last().matches(c -> c.finished());
        String lastSnapshot = snapshot.get(snapshot.size() - 1).position().sortKey();
        for (int i = 50; i < events.size(); i++) {
            assertThat(events.get(i).position().sortKey()).as("backfill events sort after the snapshot, increasing")
                    .isGreaterThan(i == 50 ? lastSnapshot : events.get(i - 1).position().sortKey());
        }
    }

    private SourceRunner start(Map<String, Object> options, Optional<Position> resume,
                               BackfillRequest... queued) throws Exception {
        RecordingSourceContext context = new RecordingSourceContext("it", resume);
        for (BackfillRequest q : queued) {
            context.addBackfill(q);
        }
        SourceRunner r = SourceRunner.start(newSource(options), context, Duration.ofSeconds(60), Duration.ofSeconds(10));
        runners.add(r);
        return r;
    }

    private static List<ChangeEvent> withId(List<ChangeEvent> events, String id) {
        return events.stream().filter(e -> e.header(BackfillRequest.ID_HEADER).equals(Optional.of(id))).toList();
    }
}
