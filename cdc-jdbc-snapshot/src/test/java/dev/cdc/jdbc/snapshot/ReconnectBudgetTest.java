package dev.cdc.jdbc.snapshot;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReconnectBudgetTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ReconnectBudget budget = new ReconnectBudget(Duration.ofMinutes(5), Duration.ofMillis(500),
            Duration.ofSeconds(30), now::get);

    @Test
    void backoffDoublesUpToTheCap() {
        long[] expected = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000};
        for (long ms : expected) {
            assertThat(budget.failed()).contains(Duration.ofMillis(ms));
            advance(Duration.ofMillis(ms));
        }
        assertThat(budget.attempts()).isEqualTo(expected.length);
    }

    @Test
    void anOutageLongerThanTheTimeoutIsGivenUp() {
        assertThat(budget.failed()).isPresent();
        advance(Duration.ofMinutes(5));
        assertThat(budget.failed()).as("exactly at the timeout").isPresent();
        advance(Duration.ofMillis(1));
        assertThat(budget.failed()).isEmpty();
        assertThat(budget.outage()).isEqualTo(Duration.ofMinutes(5).plusMillis(1));
    }

    @Test
    void aSuccessfulReconnectResetsTheClockAndTheBackoff() {
        // the case: a restart survived, a second one more than reconnect-timeout later
        for (int i = 0; i < 5; i++) {
            budget.failed();
            advance(Duration.ofSeconds(1));
        }
        budget.connected();
        assertThat(budget.failing()).isFalse();
        assertThat(budget.outage()).isZero();
        advance(Duration.ofMinutes(6));
        assertThat(budget.failed()).as("a new outage starts with a full budget and the first backoff")
                .contains(Duration.ofMillis(500));
        assertThat(budget.attempts()).isEqualTo(1);
        advance(Duration.ofMinutes(4));
        assertThat(budget.failed()).contains(Duration.ofMillis(1000));
    }

    @Test
    void withoutAReconnectTheFirstFailureStillCounts() {
        budget.failed();
        advance(Duration.ofMinutes(6));
        assertThat(budget.failed()).isEqualTo(Optional.empty());
    }

    @Test
    void badSettingsAreRejected() {
        assertThatThrownBy(() -> new ReconnectBudget(Duration.ofSeconds(-1), Duration.ofMillis(1),
                Duration.ofSeconds(1), now::get)).hasMessageContaining("PT-1S");
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }
}
