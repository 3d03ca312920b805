package dev.cdc.kafka.sink;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommittedPositionsTest {

    private static ChangeEvent at(String table, long seq) {
        return ChangeEvent.insert(TableId.parse(table), Row.of("id", seq), Row.of("id", seq), Instant.EPOCH,
                Position.ofSequence(seq));
    }

    @Test
    void coversWhatWasCommittedPerTableAndRoundTrips() {
        CommittedPositions c = CommittedPositions.empty().with(at("s.a", 5)).with(at("s.b", 2)).with(at("s.a", 3));
        assertThat(c.covers(at("s.a", 5))).isTrue();
        assertThat(c.covers(at("s.a", 4))).isTrue();
        assertThat(c.covers(at("s.a", 6))).isFalse();
        assertThat(c.covers(at("s.b", 3))).isFalse();
        assertThat(c.covers(at("s.c", 1))).isFalse();
        CommittedPositions back = CommittedPositions.decode(c.encode("p", "k"));
        assertThat(back.covers(at("s.a", 5))).isTrue();
        assertThat(back.covers(at("s.a", 6))).isFalse();
        assertThat(new String(c.encode("p", "k"))).startsWith("{\"pipeline\":\"p\",\"sink\":\"k\",\"tables\":{");
    }

    @Test
    void aSnapshotReadIsNeverCoveredNorMovesTheMark() {
        ChangeEvent read = ChangeEvent.read(TableId.parse("s.a"), Row.of("id", 9L), Row.of("id", 9L), Instant.EPOCH,
                Position.ofSequence(9));
        CommittedPositions c = CommittedPositions.empty().with(read);
        assertThat(c.covers(at("s.a", 1))).as("the mark did not move").isFalse();
        CommittedPositions streamed = c.with(at("s.a", 20));
        assertThat(streamed.covers(read)).as("a resumed snapshot's row with a lower number is written again").isFalse();
        assertThat(streamed.covers(at("s.a", 9))).isTrue();
    }

    @Test
    void anEmptySortKeyIsNeverCoveredAndGarbageIsRefused() {
        ChangeEvent noKey = at("s.a", 1).withPosition(Position.of(java.util.Map.of(), ""));
        assertThat(CommittedPositions.empty().with(noKey).covers(noKey)).isFalse();
        assertThatThrownBy(() -> CommittedPositions.decode("[1]".getBytes())).isInstanceOf(IllegalArgumentException.class);
    }
}
