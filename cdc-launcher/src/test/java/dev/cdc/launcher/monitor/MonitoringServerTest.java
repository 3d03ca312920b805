package dev.cdc.launcher.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineState;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class MonitoringServerTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private PrometheusMeterRegistry registry;
    private Pipeline pipeline;
    private MonitoringServer server;

    @BeforeEach
    void start() throws Exception {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        pipeline = TestPipelines.pipeline(TestPipelines.generatorYaml("monitored", 0, 2000), registry);
        PipelineObserver observer = PipelineObserver.attach(pipeline, Clock.systemUTC());
        server = MonitoringServer.start("127.0.0.1", 0, registry, observer);
        pipeline.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        pipeline.close();
        registry.close();
    }

    @Test
    void metricsAreThePrometheusTextOfThePipelinesMeters() throws Exception {
        awaitCheckpoint();
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct)
                .startsWith("text/plain"));
        assertThat(r.body()).contains("cdc_events_captured_total{pipeline=\"monitored\"}")
                .contains("cdc_sink_events_written_total{pipeline=\"monitored\",sink=\"nowhere\"}")
                .contains("cdc_sink_queue_depth").contains("cdc_sink_lag_seconds")
                .contains("cdc_checkpoint_age_seconds");
    }

    @Test
    void healthIsUpWhileRunningAndDownAfterStop() throws Exception {
        HttpResponse<String> up = get("/health");
        assertThat(up.statusCode()).isEqualTo(200);
        JsonNode json = new ObjectMapper().readTree(up.body());
        assertThat(json.path("status").asText()).isEqualTo("UP");
        assertThat(json.path("pipeline").asText()).isEqualTo("monitored");

        pipeline.stop();
        assertThat(pipeline.awaitTermination(Duration.ofSeconds(20))).isTrue();
        HttpResponse<String> down = get("/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(new ObjectMapper().readTree(down.body()).path("state").asText())
                .isEqualTo(PipelineState.STOPPED.name());
    }

    @Test
    void statusIsJsonWithSinksAndTheCheckpoint() throws Exception {
        awaitCheckpoint();
        HttpResponse<String> r = get("/status");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode s = new ObjectMapper().readTree(r.body());
        assertThat(s.path("pipeline").asText()).isEqualTo("monitored");
        assertThat(s.path("state").asText()).isEqualTo("RUNNING");
        assertThat(s.path("events_captured").asLong()).isPositive();
        JsonNode sink = s.path("sinks").path(0);
        assertThat(sink.path("name").asText()).isEqualTo("nowhere");
        assertThat(sink.path("type").asText()).isEqualTo("discard");
        assertThat(sink.has("queue_depth")).isTrue();
        assertThat(sink.has("lag_seconds")).isTrue();
        assertThat(sink.path("written").asLong()).isPositive();
        JsonNode cp = s.path("checkpoint");
        assertThat(cp.path("position").path("sequence").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(cp.path("age_seconds").isNumber()).isTrue();
    }

    @Test
    void otherPathsAre404AndOtherMethods405() throws Exception {
        assertThat(get("/metricsx").statusCode()).isEqualTo(404);
        assertThat(get("/").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(server.uri().resolve("/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void theUriNamesTheBoundPort() {
        assertThat(server.port()).isPositive();
        assertThat(server.uri()).isEqualTo(URI.create("http://127.0.0.1:" + server.port()));
    }

    @Test
    void theBackfillApiRefusesWhatTheGeneratorCannotDoAndAnswersItsDocuments() throws Exception {
        HttpResponse<String> refused = post("/backfills", "{\"table\": \"demo.items\", \"sinks\": [\"nowhere\"]}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(new ObjectMapper().readTree(refused.body()).path("error").asText())
                .isEqualTo("the source of pipeline 'monitored' (type generator) cannot backfill; the postgres, mysql, "
                        + "jdbc-trigger and jdbc-query sources can");
        HttpResponse<String> bad = post("/backfills", "{\"tables\": \"demo.items\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("unknown field \\\"tables\\\"");
        assertThat(post("/backfills", "not json").statusCode()).isEqualTo(400);
        assertThat(post("/status", "{}").statusCode()).isEqualTo(405);

        HttpResponse<String> list = get("/backfills");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).isEqualTo("[]");
        assertThat(get("/backfills/nope").statusCode()).isEqualTo(404);
        assertThat(new ObjectMapper().readTree(get("/status").body()).path("backfills").isArray()).isTrue();
    }

    @Test
    void postVerifyStartsOneVerifyAtATime() throws Exception {
        assertThat(post("/verify", "").statusCode()).as("no verify wired").isEqualTo(404);
        AtomicBoolean busy = new AtomicBoolean();
        server.onVerify(() -> busy.compareAndSet(false, true));
        HttpResponse<String> started = post("/verify", "");
        assertThat(started.statusCode()).isEqualTo(202);
        assertThat(new ObjectMapper().readTree(started.body()).path("started").asBoolean()).isTrue();
        HttpResponse<String> again = post("/verify", "");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("a verify is under way");
        assertThat(get("/status").body()).contains("\"verify\":[]");
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitCheckpoint() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (pipeline.status().checkpoint().isEmpty()) {
            assertThat(System.nanoTime()).as("a checkpoint within 15 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
