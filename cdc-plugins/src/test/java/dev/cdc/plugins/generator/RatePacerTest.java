package dev.cdc.plugins.generator;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RatePacerTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void eventsFallDueEvenlyOverTime() {
        RatePacer pacer = new RatePacer(1000, 1000, now::get);
        assertThat(pacer.tryAcquire(1, 100)).as("the first event is due at once").isEqualTo(1);
        assertThat(pacer.tryAcquire(1, 100)).isZero();
        assertThat(pacer.nanosUntilDue(1)).isEqualTo(1_000_000L);
        assertThat(pacer.nanosUntilDue(10)).isEqualTo(10_000_000L);
        now.addAndGet(10_000_000L);
        assertThat(pacer.tryAcquire(1, 100)).isEqualTo(10);
        now.addAndGet(50_000_000L);
        assertThat(pacer.tryAcquire(1, 20)).isEqualTo(20);
        assertThat(pacer.tryAcquire(1, 100)).isEqualTo(30);
    }

    @Test
    void takesNothingUntilTheMinimumIsDue() {
        RatePacer pacer = new RatePacer(100, 100, now::get);
        pacer.tryAcquire(1, 1);
        now.addAndGet(40_000_000L);
        assertThat(pacer.tryAcquire(5, 10)).isZero();
        now.addAndGet(10_000_000L);
        assertThat(pacer.tryAcquire(5, 10)).isEqualTo(5);
    }

    @Test
    void aLongStallDoesNotBecomeAHugeBurst() {
        RatePacer pacer = new RatePacer(1000, 1000, now::get);
        now.addAndGet(60_000_000_000L);
        assertThat(pacer.tryAcquire(1, Long.MAX_VALUE)).isBetween(1000L, 1001L);
        assertThat(pacer.tryAcquire(1, Long.MAX_VALUE)).isZero();
    }

    @Test
    void rejectsNonPositiveRates() {
        assertThatThrownBy(() -> new RatePacer(0, 1, now::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
