package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.core.spec.BacklogSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LaneBufferTest {

    @TempDir
    Path dir;

    private static LaneBatch empty(long seq) {
        return new LaneBatch(List.of(), seq, Position.ofSequence(seq), Instant.EPOCH, Instant.EPOCH);
    }

    private static LaneBatch rows(long seq) {
        ChangeEvent e = ChangeEvent.insert(TestSource.TABLE, Row.of("id", seq % 3), Row.of("id", seq % 3, "seq", seq),
                Instant.EPOCH, Position.ofSequence(seq));
        return new LaneBatch(List.of(LaneEntry.row(e, seq)), seq, Position.ofSequence(seq), Instant.EPOCH,
                Instant.EPOCH);
    }

    private static LaneBuffer noBacklog(int capacity) {
        return new LaneBuffer(capacity, Optional.empty(), BacklogSettings.OFF, Clock.systemUTC());
    }

    @Test
    void aSourceWaitingOnAFullLaneIsCalledBackAboutOnceASecondUntilThereIsRoom() throws Exception {
        LaneBuffer buffer = noBacklog(1);
        assertThat(buffer.offer(empty(1), () -> false, () -> { }, r -> { })).isTrue();
        AtomicInteger ticks = new AtomicInteger();
        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return buffer.offer(empty(2), () -> false, ticks::incrementAndGet, r -> { });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(2_300);
        assertThat(blocked).isNotDone();
        assertThat(ticks.get()).isBetween(1, 3);
        buffer.release(buffer.take(10, Duration.ZERO));
        assertThat(blocked.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aWaitingOfferGivesUpWhenAsked() throws Exception {
        LaneBuffer buffer = noBacklog(1);
        buffer.offer(empty(1), () -> false, () -> { }, r -> { });
        AtomicInteger asked = new AtomicInteger();
        assertThat(buffer.offer(empty(2), () -> asked.incrementAndGet() > 3, () -> { }, r -> { })).isFalse();
        assertThat(buffer.depth()).isEqualTo(1);
    }

    @Test
    void memoryAndDiskRunsInterleaveInStreamOrder() throws Exception {
        try (Backlog backlog = Backlog.open(dir, 1 << 20, "s")) {
            LaneBuffer buffer = new LaneBuffer(2, Optional.of(backlog), BacklogSettings.DEFAULT, Clock.systemUTC());
            for (long s = 0; s < 5; s++) {
                buffer.offer(rows(s), () -> false, () -> { }, r -> { }); // 0, 1 in memory; 2, 3, 4 on disk
            }
            List<Long> seen = new ArrayList<>();
            LaneBuffer.Unit first = buffer.take(1, Duration.ZERO);
            assertThat(first.records()).isZero();
            first.batches().forEach(b -> seen.add(b.lastSequence()));
            buffer.release(first); // room for one more in memory: it comes after the disk run
            buffer.offer(rows(5), () -> false, () -> { }, r -> { });
            buffer.offer(rows(6), () -> false, () -> { }, r -> { }); // memory full again: a second disk run
            buffer.end();
            for (LaneBuffer.Unit u = buffer.take(2, Duration.ZERO); u != null; u = buffer.take(2, Duration.ZERO)) {
                u.batches().forEach(b -> seen.add(b.lastSequence()));
                buffer.release(u);
            }
            assertThat(seen).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(backlog.events()).isZero();
        }
    }

    @Test
    void aFailedSpillWriteStopsTheReaderAndTheNextHandOverInsteadOfSkippingTheBatch() throws Exception {
        Backlog backlog = Backlog.open(dir, 1 << 20, "s");
        LaneBuffer buffer = new LaneBuffer(1, Optional.of(backlog), BacklogSettings.DEFAULT, Clock.systemUTC());
        buffer.offer(rows(0), () -> false, () -> { }, r -> { }); // in memory: full now
        backlog.close(); // the spill thread's append of the next batch fails
        buffer.offer(rows(1), () -> false, () -> { }, r -> { });

        LaneBuffer.Unit first = buffer.take(1, Duration.ZERO);
        assertThat(first.batches()).extracting(LaneBatch::lastSequence).containsExactly(0L);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        IOException failure = null;
        while (failure == null && System.nanoTime() < deadline) {
            try {
                LaneBuffer.Unit u = buffer.take(1, Duration.ofMillis(10));
                assertThat(u.batches()).as("batch 1 was never written: nothing is read past it").isEmpty();
            } catch (IOException e) {
                failure = e;
            }
        }
        assertThat(failure).as("the reader is told").isNotNull().hasMessageContaining("is closed");
        assertThatThrownBy(() -> buffer.offer(rows(2), () -> false, () -> { }, r -> { }))
                .as("so is the ingest stage (memory is still full)").isInstanceOf(IOException.class)
                .hasMessageContaining("the backlog writer failed");
    }
}
