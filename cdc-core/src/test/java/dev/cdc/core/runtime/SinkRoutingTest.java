package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SinkRoutingTest {

    private static LaneEntry entry(long seq, String sinks) {
        ChangeEvent e = ChangeEvent.read(TableId.of("s", "t"), Row.of("id", seq), Row.of("id", seq), Instant.EPOCH,
                Position.ofSequence(seq));
        return LaneEntry.row(sinks == null ? e : e.withHeader(BackfillRequest.SINKS_HEADER, sinks), seq);
    }

    @Test
    void eventsNamingSinksGoOnlyToThoseAndTheBatchStillEndsWhereItDid() {
        LaneBatch batch = new LaneBatch(List.of(entry(0, null), entry(1, "es, redis"), entry(2, "redis")), 2,
                Position.ofSequence(2), Instant.EPOCH, Instant.EPOCH);
        assertThat(SinkRouting.routed(batch.entries().get(0))).isFalse();
        assertThat(SinkRouting.routed(batch.entries().get(1))).isTrue();

        LaneBatch es = SinkRouting.forLane(batch, "es");
        assertThat(es.entries()).extracting(LaneEntry::sequence).containsExactly(0L, 1L);
        assertThat(es.lastSequence()).isEqualTo(2);
        assertThat(es.lastPosition()).isEqualTo(Position.ofSequence(2));
        assertThat(SinkRouting.forLane(batch, "redis")).isSameAs(batch);
        assertThat(SinkRouting.forLane(batch, "file").entries()).extracting(LaneEntry::sequence).containsExactly(0L);
    }
}
