package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Sink;
import dev.cdc.core.spec.FailurePolicy;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.RetrySettings;
import dev.cdc.testkit.assertion.CanonicalRows;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import dev.cdc.testkit.fixture.TcpProxy;
import dev.cdc.testkit.fixture.TestPluginContext;
import dev.cdc.testkit.fixture.TestTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sink inside a real pipeline (cdc-core, test scope) with the generator source: replays and
 * out-of-order batches, an Elasticsearch outage of 30 s, and a rejected document that goes to
 * the dead-letter file.
 */
class PipelineScenariosIT {

    private static final Pattern CHECKPOINT = Pattern.compile("\"sequence\"\\s*:\\s*\"(\\d+)\"");

    private TestTarget target;

    @BeforeAll
    static void elasticsearchIsUp() {
        Services.requireReachable(Service.ELASTICSEARCH);
    }

    @BeforeEach
    void createTarget() {
        target = TestTarget.create();
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            EsTestIndexes.deleteAll(target.name());
        } finally {
            target.deleteDirectory();
        }
    }

    private Map<String, Object> sinkOptions() {
        return sinkOptions(Services.elasticsearchUrl());
    }

    private Map<String, Object> sinkOptions(String hosts) {
        return Map.of("hosts", hosts, "index", target.name() + "_${name}",
                "index-settings", Map.of("number_of_replicas", "0"), "request-timeout", "5s");
    }

    private String index(String table) {
        return target.name() + "_" + table;
    }

    /** The events and the final state of a generator stream, from a pipeline into memory. */
    private static RecordingSink expected(Map<String, Object> generator) throws Exception {
        RecordingSink memory = new RecordingSink();
        Map<String, Object> asFastAsPossible = new HashMap<>(generator);
        asFastAsPossible.put("rate", 0); // the same changes: they depend only on the options and n
        Pipeline p = Pipeline.builder("expected").source("generator", asFastAsPossible).sink("memory", memory)
                .checkpoint("memory", Map.of()).build();
        p.start();
        assertThat(p.awaitTermination(Duration.ofSeconds(60))).isTrue();
        assertThat(p.state()).isEqualTo(PipelineState.COMPLETED);
        return memory;
    }

    private void assertIndexHolds(String table, Map<Object, Row> expected) throws Exception {
        Map<Object, Map<String, Object>> actual = new HashMap<>();
        for (Row r : EsTestIndexes.rows(index(table))) {
            actual.put(CanonicalRows.canonical(r.get("id")), CanonicalRows.project(r, List.of("id", "name", "status",
                    "amount", "version", "payload")));
        }
        Map<Object, Map<String, Object>> wanted = new HashMap<>();
        expected.forEach((k, r) -> wanted.put(CanonicalRows.canonical(k), CanonicalRows.project(r, List.of("id",
                "name", "status", "amount", "version", "payload"))));
        assertThat(actual).hasSameSizeAs(wanted).isEqualTo(wanted);
    }

    @Test
    void batchesReplayedAndDeliveredOutOfOrderLeaveTheFinalState() throws Exception {
        Map<String, Object> generator = Map.of("count", 3000, "rate", 0, "keys", 200, "tables", "demo.items");
        RecordingSink source = expected(generator);
        List<List<ChangeEvent>> batches = new ArrayList<>();
        for (int i = 0; i < source.events.size(); i += 100) {
            batches.add(source.events.subList(i, Math.min(source.events.size(), i + 100)));
        }
        ElasticsearchSinkFactory factory = new ElasticsearchSinkFactory();
        try (Sink sink = factory.create(TestPluginContext.bind(factory, sinkOptions(), target, "es"))) {
            sink.open();
            List<List<ChangeEvent>> order = new ArrayList<>(batches);
            Collections.reverse(order); // newest first: every older batch arrives late
            for (List<ChangeEvent> b : order) {
                sink.write(b);
                sink.flush();
            }
            Collections.shuffle(order, new Random(7)); // and everything once more, shuffled (replay)
            for (List<ChangeEvent> b : order) {
                sink.write(b);
                sink.flush();
            }
        }
        assertIndexHolds("items", source.state.get(TableId.of("demo", "items")));
    }

    @Test
    void elasticsearchStoppedFor30SecondsMidStreamLosesNothing() throws Exception {
        Map<String, Object> generator = Map.of("count", 30000, "rate", 400, "keys", 500, "tables", "demo.items");
        Path state = target.directory().resolve("state");
        RetrySettings patient = new RetrySettings(1000, Duration.ofMillis(200), 2.0, Duration.ofSeconds(2), 0.2,
                List.of("retriable"));
        URI es = URI.create(Services.elasticsearchUrl());
        long atStop;
        long beforeStart;
        // the shared server stays up: a proxy in front of it refuses connections, as a stopped one would
        try (TcpProxy proxy = TcpProxy.start(es.getHost(), es.getPort())) {
            Pipeline p = Pipeline.builder("outage")
                    .source("generator", generator)
                    .sink("es", "elasticsearch", sinkOptions("http://127.0.0.1:" + proxy.port()),
                            s -> s.retry(patient).onFailure(FailurePolicy.FAIL))
                    .checkpoint("file", Map.of("path", state.toString()))
                    .build();
            p.start();
            try {
                Thread.sleep(6000);
                proxy.refuse();
                Thread.sleep(2000); // requests in flight at the stop are answered or failed by now
                atStop = checkpoint(state);
                Thread.sleep(28000);
                beforeStart = checkpoint(state);
            } finally {
                proxy.accept();
            }
            finish(p, generator, atStop, beforeStart);
        }
    }

    private void finish(Pipeline p, Map<String, Object> generator, long atStop, long beforeStart) throws Exception {
        Path state = target.directory().resolve("state");
        assertThat(p.awaitTermination(Duration.ofSeconds(120))).isTrue();
        assertThat(p.state()).as("failure: %s", p.failure()).isEqualTo(PipelineState.COMPLETED);
        assertThat(beforeStart).as("checkpoint while Elasticsearch was down").isEqualTo(atStop);
        assertThat(atStop).as("the stream was still running at the stop").isLessThan(30000);
        assertThat(p.status().sinks().get(0).retries()).isGreaterThan(0);
        assertThat(checkpoint(state)).isEqualTo(30000);
        assertIndexHolds("items", expected(generator).state.get(TableId.of("demo", "items")));
    }

    private static long checkpoint(Path state) throws Exception {
        Path file = state.resolve("checkpoint.json");
        if (!Files.exists(file)) {
            return -1;
        }
        Matcher m = CHECKPOINT.matcher(Files.readString(file));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    @Test
    void aDocumentElasticsearchRejectsGoesToTheDeadLetterFileWithItsReason() throws Exception {
        // Table b's 'name' is mapped as long, so every row of b is rejected (400, mapper_parsing_exception).
        Map<String, Object> generator = Map.of("count", 200, "rate", 0, "keys", 50,
                "tables", List.of("demo.a", "demo.b"), "operations", Map.of("update", "1", "delete", "0"));
        Map<String, Object> options = new HashMap<>(sinkOptions());
        options.put("column-types", Map.of("demo.b.name", "long"));
        Path letters = target.directory().resolve("dead.jsonl");
        Pipeline p = Pipeline.builder("dlq")
                .source("generator", generator)
                .sink("es", "elasticsearch", options, s -> s.retry(RetrySettings.none())
                        .onFailure(FailurePolicy.DEAD_LETTER).deadLetter("file", Map.of("path", letters.toString())))
                .checkpoint("memory", Map.of())
                .build();
        p.start();
        assertThat(p.awaitTermination(Duration.ofSeconds(60))).isTrue();
        assertThat(p.state()).isEqualTo(PipelineState.COMPLETED);
        List<String> lines = Files.readAllLines(letters);
        assertThat(lines).hasSize(100);
        JsonNode first = EsTestIndexes.MAPPER.readTree(lines.get(0));
        assertThat(first.path("table").asText()).isEqualTo("demo.b");
        assertThat(first.path("headers").path("cdc.error.message").asText())
                .contains("400").contains("document_parsing_exception").contains("[name]");
        assertThat(EsTestIndexes.count(index("a"))).isEqualTo(50);
        assertThat(EsTestIndexes.count(index("b"))).isZero();
    }

    /** Keeps every event and the final state per key, as the source meant it. */
    static final class RecordingSink implements Sink {
        final List<ChangeEvent> events = Collections.synchronizedList(new ArrayList<>());
        final Map<TableId, Map<Object, Row>> state = new HashMap<>();

        @Override
        public void write(List<ChangeEvent> batch) {
            for (ChangeEvent e : batch) {
                events.add(e);
                Map<Object, Row> rows = state.computeIfAbsent(e.table(), t -> new HashMap<>());
                Object key = e.key().get("id");
                if (e.isDelete()) {
                    rows.remove(key);
                } else {
                    rows.put(key, e.after().orElseThrow());
                }
            }
        }

        @Override
        public void close() {
        }
    }
}
