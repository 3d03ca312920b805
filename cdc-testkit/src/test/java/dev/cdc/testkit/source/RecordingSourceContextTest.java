package dev.cdc.testkit.source;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordingSourceContextTest {

    private static ChangeEvent insert(long id) {
        return ChangeEvent.insert(TableId.of("s", "t"), Row.of("id", id), Row.of("id", id), Instant.EPOCH,
                Position.ofSequence(id));
    }

    @Test
    void aHeldEmitWaitsRunningWhileWaitingUntilReleased() throws Exception {
        RecordingSourceContext c = RecordingSourceContext.fresh();
        AtomicInteger keepalives = new AtomicInteger();
        c.holdEmits();
        Thread source = new Thread(() -> {
            try {
                c.emit(List.of(insert(1)), keepalives::incrementAndGet);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        source.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (keepalives.get() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(c.isWaitingToEmit()).isTrue();
        assertThat(c.events()).as("nothing recorded while held").isEmpty();
        assertThat(keepalives.get()).as("whileWaiting about once a second").isGreaterThanOrEqualTo(2);
        c.releaseEmits();
        source.join(5_000);
        assertThat(c.events()).hasSize(1);
        assertThat(c.whileWaitingRuns()).isEqualTo(keepalives.get());
        c.retentionAtRisk("slot s: wal_status 'lost'");
        assertThat(c.retentionWarnings()).containsExactly("slot s: wal_status 'lost'");
    }

    @Test
    void awaitingTooManyEventsFailsWithWhatArrived() throws Exception {
        RecordingSourceContext c = RecordingSourceContext.fresh();
        c.emit(List.of(insert(1)));
        assertThat(c.awaitEvents(1, Duration.ofMillis(10))).hasSize(1);
        assertThatThrownBy(() -> c.awaitChanges(e -> true, 2, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("expected at least 2 event(s)")
                .hasMessageContaining("but got 1");
    }

    @Test
    void aFailedSourceEndsTheWaitAtOnce() {
        RecordingSourceContext c = RecordingSourceContext.resumingAfter(Position.ofSequence(3));
        assertThat(c.resumePosition()).contains(Position.ofSequence(3));
        c.sourceFailed(new IllegalStateException("boom"));
        long start = System.nanoTime();
        assertThatThrownBy(() -> c.awaitEvents(1, Duration.ofSeconds(30))).hasMessageContaining("boom")
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void theRunnerOpensRunsStopsAndClosesOnce() throws Exception {
        AtomicInteger closes = new AtomicInteger();
        Source source = new Source() {
            @Override
            public void run(SourceContext context) throws Exception {
                long id = 0;
                while (!context.isStopping()) {
                    context.emit(insert(id++));
                    Thread.sleep(2);
                }
            }

            @Override
            public void close() {
                closes.incrementAndGet();
            }
        };
        SourceRunner runner = SourceRunner.start(source, RecordingSourceContext.fresh(), Duration.ofSeconds(5));
        assertThat(runner.context().awaitEvents(3, Duration.ofSeconds(5))).hasSizeGreaterThanOrEqualTo(3);
        assertThat(runner.isRunning()).isTrue();
        assertThat(runner.stop(Duration.ofSeconds(5))).isTrue();
        runner.close();
        runner.close();
        assertThat(closes).hasValue(1);
        assertThat(runner.failure()).isEmpty();
    }

    @Test
    void aSourceThatFailsToOpenFailsTheStart() {
        Source source = new Source() {
            @Override
            public void open(SourceContext context) {
                throw new IllegalStateException("wal_level is replica; set it to logical");
            }

            @Override
            public void run(SourceContext context) {
            }

            @Override
            public void close() {
            }
        };
        assertThatThrownBy(() -> SourceRunner.start(source, RecordingSourceContext.fresh(), Duration.ofSeconds(5)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("failed to open")
                .hasMessageContaining("wal_level");
    }
}
