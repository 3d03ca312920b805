package dev.cdc.core.runtime;

import dev.cdc.api.event.Position;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class LaneQueueTest {

    private static LaneBatch batch(long seq) {
        return new LaneBatch(List.of(), seq, Position.ofSequence(seq), Instant.EPOCH, Instant.EPOCH);
    }

    @Test
    void aSourceWaitingOnAFullQueueIsCalledBackAboutOnceASecondUntilThereIsRoom() throws Exception {
        LaneQueue queue = new LaneQueue(1);
        assertThat(queue.offer(batch(1), () -> false, () -> { })).isTrue();
        AtomicInteger ticks = new AtomicInteger();
        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.offer(batch(2), () -> false, ticks::incrementAndGet);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(2_300);
        assertThat(blocked).isNotDone();
        assertThat(ticks.get()).isBetween(1, 3);
        queue.release(queue.take(10, Duration.ZERO));
        assertThat(blocked.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aWaitingOfferGivesUpWhenAsked() throws Exception {
        LaneQueue queue = new LaneQueue(1);
        queue.offer(batch(1), () -> false, () -> { });
        AtomicInteger asked = new AtomicInteger();
        assertThat(queue.offer(batch(2), () -> asked.incrementAndGet() > 3, () -> { })).isFalse();
        assertThat(queue.depth()).isEqualTo(1);
    }
}
