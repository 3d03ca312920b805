package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.core.spec.EngineSettings;
import dev.cdc.core.spec.FailurePolicy;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.RetrySettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The failure scenarios, driven by the bundled generator source through the embedding API. */
class GeneratorScenariosTest {

    static final RetrySettings RETRY = new RetrySettings(6, Duration.ofMillis(5), 2.0, Duration.ofMillis(40), 0.2,
            List.of("retriable"));

    @TempDir
    Path dir;

    static Set<Long> sequences(List<ChangeEvent> events) {
        return events.stream().map(e -> Long.parseLong(e.position().offset("sequence"))).collect(Collectors.toSet());
    }

    @Test
    void aSinkFailingNTimesIsRetriedWhileASecondSinkCarriesOn() throws Exception {
        RecordingSink flaky = new RecordingSink();
        flaky.failFirstWrites = 4;
        RecordingSink steady = new RecordingSink();
        Pipeline p = Pipeline.builder("retry")
                .source("generator", Map.of("count", 3000, "rate", 0, "keys", 50))
                .sink("flaky", flaky, s -> s.retry(RETRY))
                .sink("steady", steady)
                .checkpoint("file", Map.of("path", dir.resolve("state").toString()))
                .build();
        p.start();
        assertThat(p.awaitTermination(Duration.ofSeconds(60))).isTrue();
        assertThat(p.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(flaky.durable).hasSize(3000);
        assertThat(steady.durable).hasSize(3000);
        assertThat(p.status().sinks()).filteredOn(s -> s.name().equals("flaky"))
                .singleElement().satisfies(s -> assertThat(s.retries()).isEqualTo(4));
        assertThat(Files.readString(dir.resolve("state/checkpoint.json"))).contains("\"sequence\":\"3000\"");
    }

    @Test
    void failStopsThePipelineAndTheCheckpointStaysBeforeTheFailedEvent() throws Exception {
        RecordingSink bad = new RecordingSink();
        bad.rejectForever = e -> e.position().offset("sequence").equals("2001");
        Pipeline p = Pipeline.builder("fail")
                .source("generator", Map.of("count", 5000, "rate", 0))
                .sink("bad", bad, s -> s.retry(RETRY).onFailure(FailurePolicy.FAIL))
                .checkpoint("file", Map.of("path", dir.resolve("state").toString()))
                .build();
        p.start();
        assertThat(p.awaitTermination(Duration.ofSeconds(60))).isTrue();
        assertThat(p.state()).isEqualTo(PipelineState.FAILED);
        assertThat(p.failure()).get().asString().contains("sequence=2001");
        long checkpoint = p.status().checkpoint().map(pos -> Long.parseLong(pos.offset("sequence"))).orElse(-1L);
        assertThat(checkpoint).isLessThan(2001).isLessThanOrEqualTo(bad.maxDurableSequence());
        assertThat(sequences(bad.durable)).doesNotContain(2001L);
    }

    @Test
    void deadLetterWritesTheEventWithItsErrorToAJsonLinesFile() throws Exception {
        RecordingSink picky = new RecordingSink();
        picky.rejectForever = e -> e.position().offset("sequence").endsWith("77");
        Pipeline p = Pipeline.builder("dlq")
                .source("generator", Map.of("count", 1000, "rate", 0))
                .sink("picky", picky, s -> s.retry(RETRY).onFailure(FailurePolicy.DEAD_LETTER))
                .checkpoint("file", Map.of("path", dir.resolve("state").toString()))
                .build();
        p.start();
        assertThat(p.awaitTermination(Duration.ofSeconds(60))).isTrue();
        assertThat(p.state()).isEqualTo(PipelineState.COMPLETED);
        List<String> letters = Files.readAllLines(dir.resolve("state/dead-letter/picky.jsonl"));
        assertThat(letters).hasSize(10); // 77, 177, ..., 977
        assertThat(letters).allSatisfy(l -> assertThat(l).contains("\"cdc.error.message\":\"java.lang.IllegalArgumentException: rejected")
                .contains("\"cdc.error.sink\":\"picky\""));
        assertThat(picky.durable).hasSize(990);
    }

    @Test
    void aSlowSinkKeepsMemoryBoundedThroughBackPressure() throws Exception {
        RecordingSink slow = new RecordingSink();
        slow.delayMillis = 20;
        Pipeline p = Pipeline.builder("slow")
                .source("generator", Map.of("rate", 0, "payload-bytes", 4096))
                .sink("slow", slow, s -> s.queueCapacity(500).batchSize(100))
                .checkpoint("memory", Map.of())
                .engine(new EngineSettings(100, 500, Duration.ofMillis(50), Duration.ofSeconds(10), Duration.ofMillis(10)))
                .build();
        p.start();
        int maxDepth = 0;
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < until) {
            var status = p.status();
            maxDepth = Math.max(maxDepth, status.sinks().get(0).queueDepth());
            // Captured but not yet written: bounded by the queue, the batch in flight and the one being emitted.
            assertThat(status.eventsCaptured() - status.sinks().get(0).written()).isLessThanOrEqualTo(500 + 100 + 100 + 1);
            Thread.sleep(20);
        }
        long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        p.stop();
        assertThat(p.awaitTermination(Duration.ofSeconds(20))).isTrue();
        assertThat(maxDepth).isGreaterThan(0).isLessThanOrEqualTo(500);
        // An unbounded buffer would hold ~4 KB per generated event; the generator alone makes ~1M/s.
        assertThat(heapUsed).isLessThan(512L * 1024 * 1024);
    }
}
