package dev.cdc.sink.redis;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SupersededTest {

    private static final TableId T = TableId.of("shop", "orders");
    private static final TableId OTHER = TableId.of("shop", "items");

    private static ChangeEvent upsert(TableId table, long id, long seq, Object status) {
        return ChangeEvent.update(table, Row.of("id", id), null, Row.of("id", id, "status", status), Instant.EPOCH,
                Position.ofSequence(seq));
    }

    private static ChangeEvent delete(long id, long seq) {
        return ChangeEvent.delete(T, Row.of("id", id), null, Instant.EPOCH, Position.ofSequence(seq));
    }

    private static List<Integer> dropped(ChangeEvent... events) {
        return Superseded.of(List.of(events)).stream().boxed().toList();
    }

    @Test
    void earlierChangesOfARowReplacedLaterInTheBatchAreDropped() {
        assertThat(dropped(upsert(T, 1, 1, "a"), upsert(T, 2, 2, "a"), upsert(T, 1, 3, "b"), delete(1, 4),
                upsert(OTHER, 1, 5, "x"))).containsExactly(0, 2);
    }

    @Test
    void aLaterMergeReplacesNothing() {
        assertThat(dropped(upsert(T, 1, 1, "a"), upsert(T, 1, 2, Unchanged.VALUE))).isEmpty();
        // but a merge followed by a replace goes, and so does everything before it
        assertThat(dropped(upsert(T, 1, 1, "a"), upsert(T, 1, 2, Unchanged.VALUE), upsert(T, 1, 3, "c")))
                .containsExactly(0, 1);
    }

    @Test
    void aLaterEventWithAnOlderSortKeyOrATruncateInBetweenDropsNothing() {
        assertThat(dropped(upsert(T, 1, 5, "new"), upsert(T, 1, 3, "retried old"))).isEmpty();
        assertThat(dropped(upsert(T, 1, 1, "a"), ChangeEvent.truncate(T, Instant.EPOCH, Position.ofSequence(2)),
                upsert(T, 1, 3, "b"))).isEmpty();
    }
}
