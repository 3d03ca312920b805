package dev.cdc.jdbc.snapshot.backfill;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.jdbc.snapshot.ReadRow;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The watermark window: what the log changed between the watermarks leaves the chunk. */
class ChunkWindowTest {

    private static final TableId T = TableId.of("public", "t");
    private static final TableId OTHER = TableId.of("public", "other");
    private static final Watermark LOW = new Watermark("b1", 7, false);

    private static ReadRow row(int id, String v) {
        return new ReadRow(Row.of("id", id), Row.of("id", id, "v", v), new String[] {Integer.toString(id)});
    }

    private static ChunkWindow window(List<Row> absent) {
        return new ChunkWindow(LOW, T, List.of("id"), List.of(row(1, "a"), row(2, "b"), row(3, "c"), row(4, "d")),
                absent);
    }

    private static List<Object> ids(ChunkWindow w) {
        return w.rows().stream().map(r -> r.key().get("id")).toList();
    }

    @Test
    void rowsTheLogChangedInTheWindowLeaveTheChunk() {
        ChunkWindow w = window(List.of());
        w.changed(ChangeEvent.update(T, Row.of("id", 2), Row.of("id", 2, "v", "b"), Row.of("id", 2, "v", "B"),
                Instant.EPOCH, Position.ofSequence(1)));
        w.changed(ChangeEvent.delete(T, Row.of("id", 4), Row.of("id", 4, "v", "d"), Instant.EPOCH,
                Position.ofSequence(2)));
        w.changed(ChangeEvent.insert(T, Row.of("id", 9), Row.of("id", 9, "v", "z"), Instant.EPOCH,
                Position.ofSequence(3)));
        assertThat(ids(w)).containsExactly(1, 3);
        assertThat(w.rowsRead()).isEqualTo(4);
        assertThat(w.changedKeys()).isEqualTo(3);
    }

    @Test
    void changesOfAnotherTableLeaveTheChunkAlone() {
        ChunkWindow w = window(List.of());
        w.changed(ChangeEvent.delete(OTHER, Row.of("id", 1), Row.of("id", 1), Instant.EPOCH, Position.ofSequence(1)));
        w.changed(ChangeEvent.truncate(OTHER, Instant.EPOCH, Position.ofSequence(2)));
        assertThat(ids(w)).containsExactly(1, 2, 3, 4);
    }

    @Test
    void anUpdateOfTheKeyDropsTheOldKeyToo() {
        ChunkWindow w = window(List.of());
        w.changed(ChangeEvent.update(T, Row.of("id", 30), Row.of("id", 3, "v", "c"), Row.of("id", 30, "v", "c"),
                Instant.EPOCH, Position.ofSequence(1)));
        assertThat(ids(w)).containsExactly(1, 2, 4);
    }

    @Test
    void aTruncateInTheWindowDropsTheWholeChunk() {
        ChunkWindow w = window(List.of(Row.of("id", 5)));
        w.changed(ChangeEvent.truncate(T, Instant.EPOCH, Position.ofSequence(1)));
        assertThat(w.rows()).isEmpty();
        assertThat(w.absent()).isEmpty();
    }

    @Test
    void anAbsentKeyTheLogWroteIsNotDeleted() {
        ChunkWindow w = window(List.of(Row.of("id", 5), Row.of("id", 6)));
        w.changed(ChangeEvent.insert(T, Row.of("id", 6), Row.of("id", 6, "v", "new"), Instant.EPOCH,
                Position.ofSequence(1)));
        assertThat(w.absent()).containsExactly(Row.of("id", 5));
    }

    @Test
    void watermarksRoundTripAndMatchTheirChunkOnly() {
        assertThat(LOW.text()).isEqualTo("b1:7:low");
        assertThat(Watermark.parse("b1:7:low")).contains(LOW);
        assertThat(Watermark.parse("a:b:7:high")).contains(new Watermark("a:b", 7, true));
        assertThat(Watermark.parse("2024-01-01T00:00:00")).isEmpty();
        assertThat(Watermark.parse("x:y:low")).isEmpty();
        assertThat(Watermark.parse(":1:low")).isEmpty();
        assertThat(window(List.of()).high()).isEqualTo(new Watermark("b1", 7, true));
        assertThat(Optional.of(window(List.of()).high())).isNotEqualTo(Optional.of(new Watermark("b1", 8, true)));
    }
}
