package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * An endless generator pipeline with the metrics endpoint: the meters appear, health is UP,
 * SIGTERM drains and exits 0 with the checkpoint at the last event written, and a restart
 * continues exactly after it.
 */
class MetricsEndpointIT {

    private static final List<String> METERS = List.of("cdc_events_captured_total{",
            "cdc_sink_events_written_total{pipeline=\"endless\",sink=\"archive\"}",
            "cdc_sink_lag_seconds{pipeline=\"endless\",sink=\"archive\"}",
            "cdc_sink_queue_depth{pipeline=\"endless\",sink=\"archive\"}",
            "cdc_checkpoint_age_seconds{", "jvm_memory_used_bytes{");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path work;

    @Test
    void metricsHealthThenAGracefulStopAndAnExactRestart() throws Exception {
        int port = CdcJar.freePort();
        Path first = Files.writeString(work.resolve("endless.yaml"), yaml(0, 400, Optional.of(port)));
        CdcJar cdc = CdcJar.start(work, "endless", "run", "--status-interval", "300ms", first.toString());
        URI base = URI.create("http://127.0.0.1:" + port);

        String metrics = awaitMetrics(cdc, base);
        for (String meter : METERS) {
            assertThat(metrics).contains(meter);
        }
        HttpResponse<String> health = get(base.resolve("/health"));
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(health.body()).path("status").asText()).isEqualTo("UP");

        Cli status = Cli.run("status", "--url", base.toString());
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("pipeline endless: RUNNING").contains("archive (file): written");

        awaitStatusLine(cdc);
        cdc.process().destroy(); // SIGTERM
        assertThat(cdc.waitFor(60)).as(cdc.stderr()).isZero();
        assertThat(cdc.stderr()).contains("stopping: draining").containsPattern("stopped; checkpoint at \\{sequence=\\d+}");

        Path out = work.resolve("out/endless.jsonl");
        Map<Long, Integer> seen = count(out, new HashMap<>());
        long checkpoint = CdcJar.checkpointSequence(work.resolve("state")).orElseThrow();
        long highest = seen.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(checkpoint).as("graceful stop: the checkpoint is the last event written").isEqualTo(highest);
        assertThat(seen).hasSize((int) highest + 1).allSatisfy((seq, n) -> assertThat(n).as("sequence %d", seq)
                .isEqualTo(1));

        // sequence 0 is the table's schema, 1..checkpoint row changes: 500 more row changes, then it completes
        long rowChanges = checkpoint + 500;
        long last = rowChanges;
        Path second = Files.writeString(work.resolve("finite.yaml"), yaml(rowChanges, 0, Optional.empty()));
        CdcJar restart = CdcJar.start(work, "restart", "run", second.toString());
        assertThat(restart.waitFor(60)).as(restart.stderr()).isZero();
        assertThat(restart.stderr()).contains("completed; checkpoint at {sequence=" + last + "}");

        Map<Long, Integer> all = count(out, new HashMap<>());
        assertThat(all).hasSize((int) last + 1);
        for (long s = 0; s <= last; s++) {
            assertThat(all.get(s)).as("sequence %d across both runs", s).isEqualTo(1);
        }
    }

    private static String yaml(long count, double rate, Optional<Integer> port) {
        return """
                pipeline: endless
                source: {type: generator, count: %d, rate: %s, batch-size: 20, keys: 100}
                sinks:
                  - {name: archive, type: file, path: out/endless.jsonl, fsync: false}
                checkpoint: {type: file, path: state}
                engine: {checkpoint-interval: 200ms}
                %s
                """.formatted(count, rate, port.map(p -> "metrics: {port: " + p + ", host: 127.0.0.1}").orElse(""));
    }

    private String awaitMetrics(CdcJar cdc, URI base) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!cdc.process().isAlive()) {
                fail("cdc exited with " + cdc.process().exitValue() + ":\n" + cdc.stderr());
            }
            try {
                HttpResponse<String> r = get(base.resolve("/metrics"));
                last = r.body();
                if (r.statusCode() == 200 && METERS.stream().allMatch(last::contains)
                        && !last.contains("cdc_checkpoint_commits_total{pipeline=\"endless\"} 0.0")) {
                    return last;
                }
            } catch (IOException notYetListening) {
                // the JVM is still starting
            }
            Thread.sleep(100);
        }
        return fail("the meters did not all appear within 30 s; last scrape:\n" + last + "\nstderr:\n" + cdc.stderr());
    }

    /** A periodic status line on stderr: {@code 12:00:01 RUNNING captured 120 (+400/s) | archive: written ...}. */
    private static void awaitStatusLine(CdcJar cdc) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!cdc.stderr().matches("(?s).*RUNNING captured \\d+ \\(\\+\\d+/s\\) \\| archive: written \\d+, queue \\d+, "
                + "lag [0-9.]+s \\| checkpoint .*")) {
            if (System.nanoTime() > deadline) {
                fail("no status line within 10 s:\n" + cdc.stderr());
            }
            Thread.sleep(50);
        }
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Map<Long, Integer> count(Path file, Map<Long, Integer> into) throws IOException {
        for (JsonNode e : CdcJar.jsonLines(file)) {
            into.merge(CdcJar.sequence(e), 1, Integer::sum);
        }
        return into;
    }
}
