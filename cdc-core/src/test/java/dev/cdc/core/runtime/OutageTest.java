package dev.cdc.core.runtime;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.PartialWriteException;
import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.core.metrics.PipelineMetrics;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.FailurePolicy;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PipelineStatus;
import dev.cdc.core.spec.RetrySettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Outages (the target unreachable) are retried until they end; only rejections take the failure policy. */
class OutageTest {

    private static final RetrySettings TWO_ATTEMPTS = new RetrySettings(2, Duration.ofMillis(1), 2.0,
            Duration.ofMillis(4), 0, List.of("retriable"));

    private final LaneStats stats = new LaneStats("search", "test", new PipelineMetrics(new SimpleMeterRegistry(), "p"),
            Clock.systemUTC());
    private final Delivery delivery = new Delivery("sink 'search'", TWO_ATTEMPTS, stats, () -> false);

    @Test
    void outagesAreFailuresOfTheWholeTargetNotOfARecord() {
        assertThat(RetryPolicies.isOutage(new RetriableException("503 Service Unavailable"))).isTrue();
        assertThat(RetryPolicies.isOutage(new CdcException("bulk failed", new ConnectException("Connection refused"))))
                .isTrue();
        assertThat(RetryPolicies.isOutage(new IOException("Connection reset"))).isTrue();
        assertThat(RetryPolicies.isOutage(new TimeoutException("read timed out"))).isTrue();
        ChangeEvent e = ChangeEvent.insert(TableId.of("public", "t"), Row.of("id", 1L), Row.of("id", 1L),
                Instant.EPOCH, Position.ofSequence(0));
        PartialWriteException partial = new PartialWriteException(
                List.of(new PartialWriteException.EventFailure(e, "429", true)));
        partial.initCause(new RetriableException("429"));
        assertThat(RetryPolicies.isOutage(partial)).as("a partial write names records: no outage").isFalse();
        assertThat(RetryPolicies.isOutage(new CdcException("mapper_parsing_exception"))).isFalse();
        assertThat(RetryPolicies.isOutage(new IllegalArgumentException("value too long"))).isFalse();
    }

    @Test
    void anOutageIsRetriedBeyondMaxAttemptsAndReportedUntilItEnds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Instant[] seenSince = new Instant[1];
        Delivery.Outcome outcome = delivery.run(() -> {
            int call = calls.incrementAndGet();
            if (call > 1) {
                seenSince[0] = stats.failingSince().orElseThrow();
            }
            if (call <= 12) {
                throw new RetriableException("connection refused, call " + call);
            }
        });
        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(13);
        assertThat(seenSince[0]).as("failing since the first failed attempt").isNotNull();
        assertThat(stats.failingSince()).as("the outage ended with the successful attempt").isEmpty();
        assertThat(stats.retries()).isEqualTo(12);
    }

    @Test
    void aRejectionTakesThePolicyAfterMaxAttempts() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Delivery.Outcome outcome = delivery.run(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("value out of range");
        });
        assertThat(outcome.succeeded()).isFalse();
        assertThat(calls.get()).as("not retriable: one attempt").isEqualTo(1);
        assertThat(stats.failingSince()).isEmpty();
    }

    @Test
    void anOutageDuringARejectionsRetryIsNotCountedAgainstMaxAttempts() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Delivery retryAll = new Delivery("sink 'search'", new RetrySettings(2, Duration.ofMillis(1), 2.0,
                Duration.ofMillis(4), 0, List.of("all")), stats, () -> false);
        Delivery.Outcome outcome = retryAll.run(() -> {
            int call = calls.incrementAndGet();
            throw call % 2 == 1 && call < 9 ? new RetriableException("refused") : new CdcException("rejected");
        });
        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.failure().get()).hasMessage("rejected");
        // calls 1 and 3 are outages, 2 and 4 rejections: the second rejection spends the two attempts
        assertThat(calls.get()).isEqualTo(4);
    }

    @Test
    void aSinkDownForLongerThanItsRetryBudgetDeadLettersNothingAndLosesNothing() throws Exception {
        TestSource source = new TestSource(2_000, 50, 100);
        MemoryStore store = new MemoryStore();
        RecordingSink down = new RecordingSink();
        down.failFirstWrites = 40; // max-attempts is 5 in FAST_RETRY
        RecordingSink letters = new RecordingSink();
        RecordingSink healthy = new RecordingSink();
        Pipeline p = Pipeline.create(PipelineRunnerTest.spec(source, store,
                PipelineRunnerTest.sink("down", down, PipelineRunnerTest.FAST_RETRY, FailurePolicy.DEAD_LETTER, letters,
                        100, 1000),
                PipelineRunnerTest.sink("healthy", healthy)));
        p.addListener(PipelineRunnerTest.checkpointNeverAhead(down, healthy));
        p.start();
        PipelineStatus.SinkStatus during = null;
        for (int i = 0; i < 200 && during == null; i++) {
            PipelineStatus.SinkStatus s = p.status().sinks().get(0);
            during = s.outage().isPresent() ? s : null;
            Thread.sleep(5);
        }
        assertThat(p.awaitTermination(Duration.ofSeconds(60))).isTrue();

        assertThat(p.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(during).as("the outage was reported while it lasted").isNotNull();
        assertThat(during.outage().get().lastError()).contains("simulated outage");
        assertThat(letters.durable).as("nothing dead-lettered").isEmpty();
        assertThat(down.durable).extracting(PipelineRunnerTest::seq)
                .containsExactlyElementsOf(PipelineRunnerTest.range(0, 2_000));
        PipelineStatus.SinkStatus after = p.status().sinks().get(0);
        assertThat(after.outage()).isEmpty();
        assertThat(after.failed()).isZero();
        assertThat(after.deadLettered()).isZero();
        assertThat(after.retries()).isEqualTo(40);
    }
}
