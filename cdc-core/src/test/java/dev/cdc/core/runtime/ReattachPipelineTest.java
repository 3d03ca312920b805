package dev.cdc.core.runtime;

import dev.cdc.core.backfill.Backfills;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.BacklogSettings;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PipelineStatus;
import dev.cdc.core.spec.Reattachment;
import dev.cdc.plugins.checkpoint.FileCheckpointStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A sink detached by its spent backlog budget ({@code when-full: detach}) is re-attached while the
 * pipeline keeps running: it gets every event after the position it skipped last, in order, and the
 * checkpoint waits for it again; a sink an earlier run detached is opened when re-attached.
 */
class ReattachPipelineTest {

    @TempDir
    Path state;

    /** Room for some seconds of the paced source: a re-attached lane that starts late is not detached again. */
    private static final BacklogSettings DETACH = new BacklogSettings(4_000_000, Optional.empty(),
            BacklogSettings.WhenFull.DETACH);
    private static final BacklogSettings DETACH_SOON = new BacklogSettings(30_000, Optional.empty(),
            BacklogSettings.WhenFull.DETACH);

    private BacklogPipelineTest harness() {
        BacklogPipelineTest t = new BacklogPipelineTest();
        t.state = state;
        t.healthy.delayMillis = 3; // paces the endless source: the re-attached sink keeps up with it
        return t;
    }

    private static PipelineStatus.SinkStatus status(Pipeline p, String sink) {
        return p.status().sinks().stream().filter(s -> s.name().equals(sink)).findFirst().orElseThrow();
    }

    @Test
    void aSinkDetachedInThisRunIsReattachedAndReceivesEverythingAfterThePositionItSkippedLast() throws Exception {
        BacklogPipelineTest h = harness();
        h.down.down = true;
        TestSource source = new TestSource(0, 100, 300); // endless
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AtomicReference<Reattachment> done = new AtomicReference<>();
        Pipeline p = Pipeline.create(h.spec(source, DETACH), meters);
        p.start();
        try {
            BacklogPipelineTest.await("the sink is detached and recorded", () -> status(p, "down").detached().isPresent()
                    && new DetachedSinks(state).find("down").isPresent()); // the record is written just after
            assertThatThrownBy(() -> p.reattach("healthy", List.of())).isInstanceOf(Reattachment.NotDetached.class)
                    .hasMessageContaining("sink 'healthy' is not detached");
            assertThatThrownBy(() -> p.reattach("nope", List.of())).isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("has no sink 'nope'").hasMessageContaining("down, healthy");
            assertThatThrownBy(() -> p.reattach("down", List.of(TestSource.TABLE)))
                    .as("a source that cannot backfill cannot fill what the sink missed")
                    .isInstanceOf(Backfills.Refused.class).hasMessageContaining("cannot backfill");
            assertThat(status(p, "down").detached()).as("still detached after the refusal").isPresent();

            h.down.down = false;
            BacklogPipelineTest.await("the old worker ended", () -> {
                try {
                    done.set(p.reattach("down", List.of()));
                    return true;
                } catch (IllegalStateException e) {
                    assertThat(e).hasMessageContaining("still ending");
                    return false;
                }
            });
            assertThat(status(p, "down").detached()).isEmpty();
            assertThat(status(p, "down").state()).isNotEqualTo(PipelineStatus.LaneState.DETACHED);
            assertThat(meters.get("cdc.sink.state").tag("sink", "down").gauge().value()).isLessThan(3.0);
            assertThat(new DetachedSinks(state).find("down")).as("the detached record is deleted").isEmpty();
            BacklogPipelineTest.await("the re-attached sink receives events", () -> h.down.durable.size() > 3_000);
        } finally {
            p.stop();
            assertThat(p.awaitTermination(Duration.ofSeconds(60))).isTrue();
        }
        assertThat(p.state()).isEqualTo(PipelineState.STOPPED);
        long from = Long.parseLong(done.get().from().orElseThrow().offset("sequence"));
        long last = source.emitted - 1;
        // a write the old worker had in flight when the sink was detached may have gone through once it was back:
        // older events, before the re-attach; what follows is exactly every event after the re-attach, in order
        assertThat(h.down.durable.stream().filter(e -> PipelineRunnerTest.seq(e) > from))
                .extracting(PipelineRunnerTest::seq).as("every event after the re-attach, in order")
                .containsExactlyElementsOf(PipelineRunnerTest.range(from + 1, last + 1));
        assertThat(from).isGreaterThan(Long.parseLong(done.get().detached().position().offset("sequence")));
        assertThat(new FileCheckpointStore(state).load().orElseThrow().position().offset("sequence"))
                .as("the final checkpoint covers the re-attached sink").isEqualTo(Long.toString(last));
    }

    @Test
    void aSinkAnEarlierRunDetachedIsOpenedWhenReattachedAndTheReattachmentSaysWhereItStarts() throws Exception {
        BacklogPipelineTest h = harness();
        h.down.down = true;
        Pipeline first = Pipeline.create(h.spec(new TestSource(6_000, 100, 300), DETACH_SOON));
        first.start();
        assertThat(first.awaitTermination(Duration.ofSeconds(60))).isTrue();
        assertThat(new DetachedSinks(state).find("down")).isPresent();

        h.down.down = false;
        TestSource source = new TestSource(0, 100, 300);
        Pipeline p = Pipeline.create(h.spec(source, DETACH));
        p.start();
        Reattachment r;
        try {
            BacklogPipelineTest.await("the second run streams", () -> source.emitted > 7_000);
            assertThat(h.down.durable).as("a detached sink receives nothing").isEmpty();
            r = p.reattach("down", List.of());
            assertThat(r.detached().reason()).contains("max-bytes");
            assertThat(r.backfills()).isEmpty();
            BacklogPipelineTest.await("the re-attached sink receives events", () -> h.down.durable.size() > 1_000);
        } finally {
            p.stop();
            assertThat(p.awaitTermination(Duration.ofSeconds(60))).isTrue();
        }
        long from = Long.parseLong(r.from().orElseThrow().offset("sequence"));
        assertThat(from).isGreaterThanOrEqualTo(6_000);
        assertThat(h.down.durable).extracting(PipelineRunnerTest::seq)
                .containsExactlyElementsOf(PipelineRunnerTest.range(from + 1, source.emitted));
    }
}
