package dev.cdc.sink.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.api.spi.Checkpoint;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineListener;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.RetrySettings;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import dev.cdc.testkit.fixture.TcpProxy;
import dev.cdc.testkit.fixture.TestTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real pipeline (generator source, engine from cdc-core, redis sink in hash mode, file
 * checkpoints) while Redis is unreachable for 30 s: the sink reaches Redis through a
 * {@link TcpProxy} that cuts every connection and refuses new ones, then accepts again. The lane
 * retries, nothing is lost, and at every checkpoint Redis already holds the effect of every event
 * up to it (checked directly, not through the proxy). The shared Redis itself is never stopped,
 * so other tests and runs on this machine are not disturbed.
 */
class RedisOutageIT {

    private static final int COUNT = 3000;
    private static final int KEYS = 200;

    private TestTarget target;
    private RedisFixture redis;

    @BeforeEach
    void setUp() {
        target = TestTarget.create();
        redis = new RedisFixture();
    }

    @AfterEach
    void tearDown() {
        try (RedisFixture r = new RedisFixture()) {
            r.deleteAll(target.name());
        } finally {
            redis.close();
            target.deleteDirectory();
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void redisStoppedForThirtySecondsLosesNothingAndTheCheckpointNeverPassesUnwrittenEvents() throws Exception {
        Map<String, Object> generator = Map.of("count", COUNT, "keys", KEYS, "rate", 75, "seed", 7,
                "tables", List.of("demo.orders"));
        List<JsonNode> events = generatedEvents(generator);
        assertThat(events).hasSize(COUNT);

        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        List<Long> unverified = Collections.synchronizedList(new ArrayList<>());
        List<Long> checkpoints = Collections.synchronizedList(new ArrayList<>());
        Path state = target.directory().resolve("state");
        InetSocketAddress address = Services.address(Service.REDIS);
        TcpProxy proxy = TcpProxy.start(address.getHostString(), address.getPort());
        Map<String, Object> options = new HashMap<>(RedisFixture.options(target.name(), "hash"));
        options.put("uri", "redis://127.0.0.1:" + proxy.port());
        Pipeline pipeline = Pipeline.builder("redis-outage")
                .source("generator", generator)
                .sink("redis", "redis", options,
                        s -> s.retry(new RetrySettings(1000, Duration.ofMillis(100), 2.0, Duration.ofSeconds(2), 0.2,
                                List.of("retriable"))))
                .checkpoint("file", Map.of("path", state.toString()))
                .build();
        pipeline.addListener(new PipelineListener() {
            @Override
            public void onCheckpoint(Checkpoint checkpoint) {
                long sequence = Long.parseLong(checkpoint.position().offset("sequence"));
                checkpoints.add(sequence);
                try (Jedis jedis = new Jedis(java.net.URI.create(Services.redisUri()))) {
                    violations.addAll(missing(jedis, events, sequence));
                } catch (RuntimeException redisDown) {
                    unverified.add(sequence); // Redis is down: checked once it is back
                }
            }
        });

        pipeline.start();
        try {
            waitForCheckpointAbove(checkpoints, 300);
            proxy.refuse();
            long stoppedAt = checkpoints.isEmpty() ? 0 : checkpoints.get(checkpoints.size() - 1);
            System.out.println("Redis unreachable at checkpoint " + stoppedAt + ": " + pipeline.status());
            Thread.sleep(30_000);
            System.out.println("30 s later: " + pipeline.status());
            assertThat(pipeline.state()).as("the pipeline waits for Redis: %s", pipeline.status())
                    .isEqualTo(PipelineState.RUNNING);
            assertThat(checkpoints.get(checkpoints.size() - 1)).as("no checkpoint moves while Redis is unreachable")
                    .isLessThanOrEqualTo(stoppedAt + 250L);
        } finally {
            proxy.accept();
        }
        assertThat(pipeline.awaitTermination(Duration.ofMinutes(3))).isTrue();
        assertThat(pipeline.state()).as("failure: %s", pipeline.failure()).isEqualTo(PipelineState.COMPLETED);
        assertThat(pipeline.status().sinks().get(0).retries()).as("the outage was retried").isPositive();

        for (long sequence : List.copyOf(unverified)) {
            violations.addAll(missing(redis.jedis(), events, sequence));
        }
        assertThat(violations).as("events at or before a checkpoint that Redis did not hold at that checkpoint")
                .isEmpty();
        assertThat(missing(redis.jedis(), events, COUNT)).as("events Redis does not hold at the end").isEmpty();
        proxy.close();
        assertFinalRows(events);
    }

    /** The generator's events, from a quick run into a file sink (it is deterministic for its options). */
    private List<JsonNode> generatedEvents(Map<String, Object> generator) throws Exception {
        Path file = target.directory().resolve("expected.jsonl");
        Map<String, Object> fast = new HashMap<>(generator);
        fast.put("rate", 0);
        try (Pipeline p = Pipeline.builder("redis-outage-expected").source("generator", fast)
                .sink("file", "file", Map.of("path", file.toString(), "fsync", false))
                .checkpoint("memory", Map.of()).build()) {
            p.start();
            assertThat(p.awaitTermination(Duration.ofMinutes(1))).isTrue();
        }
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode n = RedisFixture.json(line);
            if (!n.get("op").asText().equals("schema")) {
                events.add(n);
            }
        }
        return events;
    }

    /** For each key, whether Redis holds the effect of its last event at or before {@code sequence}. */
    private List<String> missing(Jedis jedis, List<JsonNode> events, long sequence) {
        Map<String, String> lastSortKey = new HashMap<>();
        for (JsonNode e : events) {
            if (Long.parseLong(e.get("source").get("position").get("sequence").asText()) <= sequence) {
                lastSortKey.put(e.get("key").get("id").asText(), e.get("source").get("sort_key").asText());
            }
        }
        List<String> missing = new ArrayList<>();
        lastSortKey.forEach((id, sortKey) -> {
            String key = target.name() + ":demo.orders:" + id;
            String held = jedis.hget(key, "__cdc_sort_key");
            if (held == null) {
                held = jedis.get(target.name() + ":__cdc:tomb:" + key);
            }
            if (held == null || held.compareTo(sortKey) < 0) {
                missing.add("checkpoint " + sequence + ": key " + id + " holds " + held + ", expected >= " + sortKey);
            }
        });
        return missing;
    }

    private void assertFinalRows(List<JsonNode> events) {
        Map<String, JsonNode> last = new HashMap<>();
        events.forEach(e -> last.put(e.get("key").get("id").asText(), e));
        last.forEach((id, e) -> {
            Map<String, String> hash = redis.jedis().hgetAll(target.name() + ":demo.orders:" + id);
            if (e.get("op").asText().equals("d")) {
                assertThat(hash).as("key %s was deleted last", id).isEmpty();
            } else {
                assertThat(hash).as("key %s", id).containsEntry("status", e.get("after").get("status").asText())
                        .containsEntry("version", e.get("after").get("version").asText())
                        .containsEntry("__cdc_sort_key", e.get("source").get("sort_key").asText());
            }
        });
    }

    private static void waitForCheckpointAbove(List<Long> checkpoints, long sequence) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (checkpoints.isEmpty() || checkpoints.get(checkpoints.size() - 1) < sequence) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no checkpoint above " + sequence + " within 60 s: " + checkpoints);
            }
            Thread.sleep(100);
        }
    }
}
