package dev.cdc.launcher;

import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PipelineStatus;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import dev.cdc.testkit.fixture.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.cdc.launcher.SinkOutageIT.await;
import static dev.cdc.launcher.SinkOutageIT.esValues;
import static dev.cdc.launcher.SinkOutageIT.redisValues;
import static dev.cdc.launcher.SinkOutageIT.sink;
import static dev.cdc.launcher.SinkOutageIT.tableValues;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A spent backlog budget against the real servers: PostgreSQL streams into Elasticsearch (behind a
 * {@link TcpProxy}, with a backlog of 8 kB) and Redis; Elasticsearch becomes unreachable under a
 * writer, the lane spills until the budget is spent, and {@code when-full} decides.
 * ({@code detach} is {@link SinkOutageIT}'s.)
 */
class SinkBudgetIT {

    @TempDir
    Path work;

    /**
     * {@code pause}: the source waits on the Elasticsearch lane (the status says so, no event is
     * captured meanwhile), the slot's confirmed_flush_lsn stays at or below what Elasticsearch
     * acknowledged and does not move; once Elasticsearch is back the pipeline goes on by itself and
     * both sinks end equal to the table.
     */
    @Test
    void whenFullPauseHoldsTheSourceAndTheSlotAndGoesOnWhenElasticsearchReturns() throws Exception {
        String name = "budget_pause_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        run(name, "pause", (p, proxy, writes) -> {
            // the source says on which sink it waits once it has waited a second
            await(p, "the Elasticsearch lane paused, and the source waiting on it", () -> sink(p, "search").state()
                    == PipelineStatus.LaneState.PAUSED && p.status().sourceWaitingOn().equals(Optional.of("search")));
            Thread.sleep(2_000);
            long captured = p.status().eventsCaptured();
            long confirmed = PostgresPipelineIT.confirmedFlush(name);
            int written = writes.size();
            long held = PostgresPipelineIT.lsn(sink(p, "search").acked().orElseThrow().offset("lsn"));
            for (int i = 0; i < 20; i++) {
                Thread.sleep(250);
                assertThat(p.state()).isEqualTo(PipelineState.RUNNING);
                assertThat(sink(p, "search").state()).isEqualTo(PipelineStatus.LaneState.PAUSED);
                assertThat(PostgresPipelineIT.confirmedFlush(name)).as("the slot does not advance while paused")
                        .isEqualTo(confirmed).isLessThanOrEqualTo(held);
            }
            assertThat(writes.size()).as("the writer went on").isGreaterThan(written);
            assertThat(p.status().eventsCaptured()).as("the source is paused: nothing captured").isEqualTo(captured);
            proxy.accept();
            await(p, "the Elasticsearch lane streaming again",
                    () -> sink(p, "search").state() != PipelineStatus.LaneState.PAUSED
                            && p.status().sourceWaitingOn().isEmpty());
            assertThat(p.status().eventsCaptured()).as("the source goes on").isGreaterThan(captured);
        }, (p, table) -> {
            await(p, "Elasticsearch equal to the table", () -> esValues(name).equals(table));
            await(p, "Redis equal to the table", () -> redisValues(name).equals(table));
            assertThat(sink(p, "search").deadLettered()).isZero();
            assertThat(p.state()).isEqualTo(PipelineState.RUNNING);
        });
    }

    /**
     * {@code fail}: the pipeline stops with a message naming the sink, its spent budget and the
     * outage; the slot's confirmed_flush_lsn is not past what Elasticsearch acknowledged, and a
     * restart with Elasticsearch back brings both sinks equal to the table.
     */
    @Test
    void whenFullFailStopsThePipelineWithTheCheckpointNotAheadOfElasticsearch() throws Exception {
        String name = "budget_fail_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        run(name, "fail", (p, proxy, writes) -> {
            Optional<String> held = Optional.empty();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!p.state().isTerminal() && System.nanoTime() < deadline) {
                held = sink(p, "search").acked().map(a -> a.offset("lsn")).or(() -> Optional.empty());
                Thread.sleep(50);
            }
            assertThat(p.awaitTermination(Duration.ofSeconds(30))).isTrue();
            assertThat(p.state()).isEqualTo(PipelineState.FAILED);
            assertThat(p.failure()).get().asString().contains("sink 'search'", "max-bytes", "when-full is fail",
                    "unreachable");
            assertThat(PostgresPipelineIT.confirmedFlush(name)).as("the slot is not past what Elasticsearch held (%s)",
                    held).isLessThanOrEqualTo(held.map(PostgresPipelineIT::lsn).orElse(Long.MAX_VALUE));
            proxy.accept();
        }, null);
    }

    /** What a test does once Elasticsearch is unreachable (with the pipeline, the proxy and the writes so far). */
    @FunctionalInterface
    interface Outage {
        void run(Pipeline p, TcpProxy proxy, ConcurrentLinkedDeque<SinkOutageIT.Write> writes) throws Exception;
    }

    /** What a test checks after the writer stopped, with the table's values; null: restart and check both sinks. */
    @FunctionalInterface
    interface After {
        void check(Pipeline p, Map<Long, Long> table) throws Exception;
    }

    private void run(String name, String whenFull, Outage outage, After after) throws Exception {
        Services.requireReachable(Service.POSTGRES);
        Services.requireReachable(Service.ELASTICSEARCH);
        Services.requireReachable(Service.REDIS);
        PostgresPipelineIT.exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, v bigint NOT NULL)",
                "INSERT INTO " + name + " SELECT g, 0 FROM generate_series(1, " + SinkOutageIT.ROWS + ") g");
        URI es = URI.create(Services.elasticsearchUrl());
        AtomicBoolean writing = new AtomicBoolean(true);
        ConcurrentLinkedDeque<SinkOutageIT.Write> writes = new ConcurrentLinkedDeque<>();
        Thread writer = new Thread(() -> SinkOutageIT.write(name, writing, writes), "writer");
        Pipeline pipeline = null;
        try (TcpProxy proxy = TcpProxy.start(es.getHost(), es.getPort())) {
            String yaml = SinkOutageIT.yaml(name, proxy.port(), "{max-bytes: 8kb, when-full: " + whenFull + "}", work);
            pipeline = Pipeline.fromYaml(yaml, whenFull + ".yaml");
            pipeline.start();
            Pipeline p = pipeline;
            await(p, "the snapshot in both sinks",
                    () -> esValues(name).size() == SinkOutageIT.ROWS && redisValues(name).size() == SinkOutageIT.ROWS);
            writer.start();
            Thread.sleep(500);
            proxy.refuse();
            outage.run(p, proxy, writes);
            Thread.sleep(500);
            writing.set(false);
            writer.join();
            Map<Long, Long> table = tableValues(name);
            if (after != null) {
                after.check(p, table);
                return;
            }
            Pipeline again = Pipeline.fromYaml(yaml, whenFull + ".yaml");
            pipeline = again;
            again.start();
            await(again, "Elasticsearch equal to the table after the restart", () -> esValues(name).equals(table));
            await(again, "Redis equal to the table after the restart", () -> redisValues(name).equals(table));
        } finally {
            SinkOutageIT.tearDown(writing, writer, pipeline, name);
        }
    }
}
