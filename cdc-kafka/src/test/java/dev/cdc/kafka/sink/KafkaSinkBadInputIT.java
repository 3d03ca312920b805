package dev.cdc.kafka.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.PartialWriteException;
import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.FailurePolicy;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.RetrySettings;
import dev.cdc.kafka.KafkaFixture;
import dev.cdc.testkit.fixture.TestTarget;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Bad input, each with a clear message: an unreachable broker and a record too large are retried
 * or dead-lettered per the sink's policy (never dropped); a refused SASL password names the
 * options to check and never shows the password. (A topic that may not be created: {@link KafkaClusterIT}.)
 */
class KafkaSinkBadInputIT {

    private final TestTarget target = TestTarget.create();
    private final String bootstrap = KafkaFixture.bootstrap();

    @AfterEach
    void cleanUp() throws Exception {
        KafkaFixture.deleteTopics(bootstrap, t -> t.startsWith(target.name()));
        target.deleteDirectory();
    }

    private Sink sink(Map<String, Object> options) {
        KafkaSinkFactory f = new KafkaSinkFactory();
        Map<String, Object> o = new HashMap<>(Map.of("topic-template", target.name() + ".${name}"));
        o.putAll(options);
        return f.create(PluginContext.of(Configuration.of(f.options(), o), "p", "events"));
    }

    private static ChangeEvent event(long id, String note) {
        return ChangeEvent.insert(TableId.of("shop", "orders"), Row.of("id", id), Row.of("id", id, "note", note),
                Instant.now(), Position.ofSequence(id));
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void anUnreachableBrokerIsRetriableAndNamesTheServers() throws Exception {
        String nowhere = "127.0.0.1:" + closedPort();
        Sink sink = sink(Map.of("bootstrap-servers", List.of(nowhere), "delivery-timeout", "2s"));
        try {
            sink.open();
            Throwable thrown = catchThrowable(() -> sink.write(List.of(event(1, "a"))));
            assertThat(thrown).isInstanceOf(RetriableException.class).hasMessageContaining(nowhere)
                    .hasMessageContaining("cannot be reached");
        } finally {
            sink.close();
        }
    }

    @Test
    void aRecordTooLargeFailsAloneAndIsNotRetriable() throws Exception {
        Sink sink = sink(Map.of("bootstrap-servers", List.of(bootstrap),
                "client-properties", Map.of("max.request.size", "20000")));
        try {
            sink.open();
            List<ChangeEvent> batch = List.of(event(1, "small"), event(2, "x".repeat(50_000)), event(3, "small too"));
            Throwable thrown = catchThrowable(() -> sink.write(batch));
            assertThat(thrown).isInstanceOf(PartialWriteException.class);
            PartialWriteException partial = (PartialWriteException) thrown;
            assertThat(partial.failures()).hasSize(1);
            assertThat(partial.failures().get(0).event()).isEqualTo(batch.get(1));
            assertThat(partial.failures().get(0).retriable()).isFalse();
            assertThat(partial.failures().get(0).reason()).contains("too large").contains("max.request.size");
        } finally {
            sink.close();
        }
        List<Long> ids = KafkaFixture.readAll(bootstrap, Set.of(target.name() + ".orders"), true).stream()
                .map(r -> KafkaFixture.json(r.value()).get("key").get("id").asLong()).toList();
        assertThat(ids).containsExactly(1L, 3L);
    }

    @Test
    void recordsTooLargeGoToTheDeadLetterTargetNeverLost() throws Exception {
        Path letters = target.directory().resolve("dead-letters.jsonl");
        Pipeline pipeline = Pipeline.builder("bad-input")
                .source("generator", Map.of("count", 4, "rate", 0, "payload-bytes", 60_000, "tables",
                        List.of("demo.orders")))
                .sink("kafka", "kafka", Map.of("bootstrap-servers", List.of(bootstrap),
                        "topic-template", target.name() + ".${name}", "schema-topic", target.name() + "._schema",
                        "client-properties", Map.of("max.request.size", "20000")),
                        s -> s.retry(new RetrySettings(2, Duration.ofMillis(50), 2.0, Duration.ofMillis(100), 0,
                                List.of("retriable"))).onFailure(FailurePolicy.DEAD_LETTER)
                                .deadLetter("file", Map.of("path", letters.toString())))
                .checkpoint("memory", Map.of())
                .build();
        pipeline.start();
        assertThat(pipeline.awaitTermination(Duration.ofSeconds(60))).isTrue();
        assertThat(pipeline.state()).as("failure: %s", pipeline.failure()).isEqualTo(PipelineState.COMPLETED);
        List<String> lines = Files.readAllLines(letters);
        assertThat(lines).as("every event too large is in the dead-letter file").hasSize(4);
        for (String line : lines) {
            JsonNode headers = KafkaFixture.json(line.getBytes()).get("headers");
            assertThat(headers.get("cdc.error.message").asText()).contains("too large");
            assertThat(headers.get("cdc.error.sink").asText()).isEqualTo("kafka");
        }
        assertThat(KafkaFixture.topics(bootstrap, t -> t.equals(target.name() + ".orders"))).allSatisfy(t ->
                assertThat(KafkaFixture.readAll(bootstrap, Set.of(t), true)).isEmpty());
    }

    @Test
    void aRefusedSaslPasswordSaysWhatToCheckAndNeverShowsIt() throws Exception {
        String sasl = bootstrap.replaceAll(":\\d+$", ":9094");
        Sink wrong = sink(Map.of("bootstrap-servers", List.of(sasl), "security-protocol", "SASL_PLAINTEXT",
                "sasl-user", "cdc", "sasl-password", "not-the-s3cret", "delivery-timeout", "5s"));
        try {
            wrong.open();
            Throwable thrown = catchThrowable(() -> wrong.write(List.of(event(1, "a"))));
            assertThat(thrown).isInstanceOf(CdcException.class).isNotInstanceOf(RetriableException.class)
                    .hasMessageContaining("refused the credentials").hasMessageContaining("sasl-password")
                    .hasMessageNotContaining("not-the-s3cret");
            assertThat(wrong.toString()).doesNotContain("not-the-s3cret");
        } finally {
            wrong.close();
        }
        Sink right = sink(Map.of("bootstrap-servers", List.of(sasl), "security-protocol", "SASL_PLAINTEXT",
                "sasl-user", "cdc", "sasl-password", "cdc-secret"));
        try {
            right.open();
            right.write(List.of(event(7, "through SASL")));
        } finally {
            right.close();
        }
        List<ConsumerRecord<byte[], byte[]>> records = KafkaFixture.readAll(bootstrap,
                Set.of(target.name() + ".orders"), true);
        assertThat(records).hasSize(1);
    }
}
