package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdc.testkit.fixture.EsTestIndex;
import dev.cdc.testkit.fixture.Services;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code cdc verify} against a running PostgreSQL pipeline into Elasticsearch and Redis (hash and
 * json modes): equal targets are reported equal, also while a writer changes the table; documents
 * deleted, changed and added in Elasticsearch and keys deleted, changed and added in Redis behind
 * the pipeline's back are found with exact counts; {@code --repair} without a running launcher
 * queues one key-list backfill per differing sink in the state directory, which the next run
 * runs; {@code --repair --wait} against the running launcher fixes them, and a second verify is
 * equal. The pipeline runs in the launcher jar ({@code cdc run}, with its HTTP API).
 */
class VerifyIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int ROWS = 3000;

    @TempDir
    Path work;

    private String name;
    private Path yaml;
    private CdcJar cdc;
    private int port;

    @BeforeEach
    void createTableAndPipeline() throws Exception {
        name = "vfy_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        PostgresPipelineIT.exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, name text, price numeric(12,2),"
                + " at timestamptz, flag boolean, doc jsonb, small real)",
                "INSERT INTO " + name + " SELECT g, 'row ' || g, g * 1.10, timestamptz '2024-01-01 00:00:00.123456+00'"
                        + " + g * interval '1 minute', g % 2 = 0, jsonb_build_object('g', g, 'x', 0.10),"
                        + " CASE WHEN g % 7 = 0 THEN NULL ELSE g / 3.0 END FROM generate_series(1, " + ROWS + ") g");
        yaml = Files.writeString(work.resolve("p.yaml"), """
                pipeline: %1$s
                source: {type: postgres, url: "%2$s", user: postgres, slot: %1$s, tables: [public.%1$s]}
                sinks:
                  - {name: search, type: elasticsearch, hosts: ["%3$s"], index: "%1$s_${name}"}
                  - {name: cache, type: redis, uri: "%4$s", mode: hash, key-template: "%1$s:h:${key}"}
                  - {name: docs, type: redis, uri: "%4$s", mode: json, key-template: "%1$s:j:${key}"}
                checkpoint: {type: file, path: "%5$s"}
                engine: {checkpoint-interval: 50ms, flush-interval: 20ms}
                metrics: {port: %6$d, host: 127.0.0.1}
                """.formatted(name, PostgresPipelineIT.URL, Services.elasticsearchUrl(), Services.redisUri(),
                work.resolve("state"), port = CdcJar.freePort()));
        start("run1");
        await("every row in every sink", () -> esCount() == ROWS && redisKeys(":h:") == ROWS && redisKeys(":j:") == ROWS);
    }

    @AfterEach
    void dropEverything() throws Exception {
        stop();
        PostgresPipelineIT.dropSlotPublicationAndTable(name, name);
        // the concrete indexes behind the sink's aliases (an alias cannot be deleted through), any version
        EsTestIndex.deleteAll(name + "_");
        try (Jedis r = redis()) {
            for (String k : r.keys(name + ":*")) {
                r.del(k);
            }
        }
    }

    @Test
    void equalTargetsAreEqualAlsoWhileAWriterRuns() throws Exception {
        Cli quiet = Cli.run("verify", yaml.toString(), "--settle", "300ms");
        assertThat(quiet.exitCode()).as(quiet.all()).isEqualTo(ExitCodes.OK);
        assertThat(quiet.out()).contains("EQUAL").contains("public." + name + " -> search: equal (" + ROWS
                + " source rows");

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong changes = new AtomicLong();
        Thread writer = new Thread(() -> write(writing, changes), "writer");
        writer.start();
        try {
            Thread.sleep(300);
            Cli busy = Cli.run("verify", yaml.toString(), "--json", "--settle", "2s", "--rechecks", "5",
                    "--chunk-size", "500");
            JsonNode report = JSON.readTree(busy.out());
            assertThat(busy.exitCode()).as(busy.all()).isEqualTo(ExitCodes.OK);
            assertThat(report.path("equal").asBoolean()).isTrue();
            assertThat(report.path("results")).hasSize(3);
            System.out.printf("verify under a writer (%d changes while it ran): %s%n", changes.get(),
                    report.path("results").findValues("rechecked_away"));
        } finally {
            writing.set(false);
            writer.join();
        }
        assertThat(changes.get()).as("the writer changed rows while verify ran").isGreaterThan(50);
    }

    @Test
    void differencesBehindThePipelinesBackAreFoundWithExactCountsAndQueuedForRepair() throws Exception {
        // Elasticsearch: 7 documents deleted, 2 changed, 1 added
        for (int id : new int[] {3, 4, 500, 1001, 1002, 2999, 3000}) {
            es("DELETE", "/" + index() + "/_doc/" + id, null);
        }
        es("POST", "/" + index() + "/_update/10", "{\"doc\":{\"name\":\"tampered\"}}");
        es("POST", "/" + index() + "/_update/11", "{\"doc\":{\"price\":\"0.00\",\"flag\":true}}");
        es("PUT", "/" + index() + "/_doc/777777", "{\"id\":777777,\"name\":\"ghost\"}");
        try (Jedis r = redis()) {
            // Redis hash: 3 keys deleted, 4 changed (a field changed, one added, one removed, the sort key kept), 2 added
            r.del(name + ":h:1", name + ":h:2", name + ":h:2500");
            r.hset(name + ":h:20", "name", "tampered");
            r.hset(name + ":h:21", "extra", "x");
            r.hdel(name + ":h:22", "price");
            r.hset(name + ":h:23", "flag", "maybe");
            r.hset(name + ":h:900000", Map.of("id", "900000", "__cdc_sort_key", "0"));
            r.hset(name + ":h:900001", Map.of("id", "900001"));
            // Redis json: 5 keys deleted, 2 changed, 0 added
            r.del(name + ":j:5", name + ":j:6", name + ":j:7", name + ":j:8", name + ":j:9");
            String stored = r.get(name + ":j:30");
            r.set(name + ":j:30", stored.replace("\"row 30\"", "\"row thirty\""));
            r.set(name + ":j:31", "not json at all");
        }

        Cli found = Cli.run("verify", yaml.toString(), "--json", "--settle", "300ms", "--sample", "3");
        assertThat(found.exitCode()).as(found.all()).isEqualTo(ExitCodes.DIFFERENT);
        JsonNode report = JSON.readTree(found.out());
        assertThat(report.path("equal").asBoolean()).isFalse();
        assertCounts(report, "search", 7, 1, 2);
        assertCounts(report, "cache", 3, 2, 4);
        assertCounts(report, "docs", 5, 0, 2);
        JsonNode search = pair(report, "search");
        assertThat(search.path("sample").path("missing")).hasSize(3);
        assertThat(search.path("sample").path("different").findValuesAsText("id")).containsExactly("10", "11");
        assertThat(search.path("sample").path("different").get(1).path("fields").toString())
                .isEqualTo("[\"flag\",\"price\"]");
        assertThat(search.path("sample").path("extra").get(0).path("key").toString()).isEqualTo("[\"777777\"]");
        // the same by id, chunk by chunk (the way a sink too large to scan is read)
        Cli byId = Cli.run("verify", yaml.toString(), "--json", "--settle", "300ms", "--sink", "search",
                "--scan-limit", "0");
        assertThat(byId.exitCode()).as(byId.all()).isEqualTo(ExitCodes.DIFFERENT);
        assertCounts(JSON.readTree(byId.out()), "search", 7, 1, 2);
        Cli text = Cli.run("verify", yaml.toString(), "--sink", "cache", "--settle", "100ms", "--sample", "2");
        assertThat(text.out()).contains("public." + name + " -> cache: DIFFERENT").contains("missing 3: [1], [2], ...")
                .contains("different 4: [20] (name), [21] (extra), ...").contains("DIFFERENT (9 row(s))");

        // --repair with no launcher running the pipeline: one key-list backfill per differing sink, queued
        stop();
        Cli repair = Cli.run("verify", yaml.toString(), "--repair", "--settle", "100ms", "--rechecks", "1");
        assertThat(repair.exitCode()).as(repair.all()).isEqualTo(ExitCodes.DIFFERENT);
        assertThat(repair.out()).contains("queued in").contains("it runs at the next 'cdc run'");
        List<Path> queued;
        try (var files = Files.list(work.resolve("state/backfills"))) {
            queued = files.sorted().toList();
        }
        assertThat(queued).hasSize(3);
        for (Path f : queued) {
            JsonNode request = JSON.readTree(f.toFile());
            assertThat(request.path("state").asText()).isEqualTo("queued");
            assertThat(request.path("table").asText()).isEqualTo("public." + name);
            String sink = request.path("sinks").get(0).asText();
            int expected = switch (sink) {
                case "search" -> 10;
                case "cache" -> 9;
                case "docs" -> 7;
                default -> throw new AssertionError(sink);
            };
            assertThat(request.path("keys")).as(f.toString()).hasSize(expected);
            assertThat(request.path("id").asText() + ".json").isEqualTo(f.getFileName().toString());
        }

        // the next run runs them: the targets end equal
        start("run2");
        awaitEqual();
    }

    @Test
    void repairWhileThePipelineRunsFixesExactlyTheDifferencesAndASecondVerifyIsEqual() throws Exception {
        for (int id : new int[] {100, 101, 102}) {
            es("DELETE", "/" + index() + "/_doc/" + id, null);
        }
        es("POST", "/" + index() + "/_update/103", "{\"doc\":{\"name\":\"tampered\"}}");
        es("PUT", "/" + index() + "/_doc/888888", "{\"id\":888888}");
        try (Jedis r = redis()) {
            r.del(name + ":h:200", name + ":j:201");
            r.hset(name + ":h:202", "name", "tampered");
            r.hset(name + ":h:888888", Map.of("id", "888888"));
            r.set(name + ":j:203", "{}");
        }
        Cli repaired = Cli.run("verify", yaml.toString(), "--repair", "--wait", "--wait-timeout", "60s", "--settle",
                "300ms", "--json");
        JsonNode report = JSON.readTree(repaired.out());
        assertThat(repaired.exitCode()).as(repaired.all()).isEqualTo(ExitCodes.OK);
        assertCounts(report, "search", 3, 1, 1);
        assertCounts(report, "cache", 1, 1, 1);
        assertCounts(report, "docs", 1, 0, 1);
        assertThat(report.path("repairs").toString()).contains("sent to http://127.0.0.1:" + port + "/backfills")
                .contains(" done");
        assertThat(report.path("after_repair")).hasSize(3);
        report.path("after_repair").forEach(p -> assertThat(p.path("equal").asBoolean()).as(p.toString()).isTrue());

        Cli second = Cli.run("verify", yaml.toString(), "--settle", "300ms");
        assertThat(second.exitCode()).as(second.all()).isEqualTo(ExitCodes.OK);
        assertThat(second.out()).contains("EQUAL");
        try (Jedis r = redis()) {
            assertThat(r.exists(name + ":h:888888")).as("the extra key was deleted by the repair").isFalse();
        }
    }

    private void start(String run) throws IOException {
        cdc = CdcJar.start(work, run, "run", "--status-interval", "0", yaml.toString());
    }

    private void stop() throws InterruptedException {
        if (cdc != null && cdc.process().isAlive()) {
            cdc.process().destroy(); // SIGTERM: drain, checkpoint, exit
            cdc.waitFor(60);
        }
        cdc = null;
    }

    /** Verify until it reports equality (the queued backfills run after the start). */
    private void awaitEqual() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        Cli last;
        do {
            Thread.sleep(500);
            last = Cli.run("verify", yaml.toString(), "--settle", "300ms", "--rechecks", "1");
            if (System.nanoTime() > deadline) {
                fail("not equal within 180 s:\n" + last.all() + "\n" + cdc.stderr());
            }
        } while (last.exitCode() != ExitCodes.OK);
        assertThat(last.out()).contains("EQUAL");
    }

    private static void assertCounts(JsonNode report, String sink, int missing, int extra, int different) {
        JsonNode p = pair(report, sink);
        assertThat(List.of(p.path("missing").asInt(), p.path("extra").asInt(), p.path("different").asInt()))
                .as("missing, extra, different in %s: %s", sink, p).containsExactly(missing, extra, different);
    }

    private static JsonNode pair(JsonNode report, String sink) {
        for (JsonNode r : report.path("results")) {
            if (r.path("sink").asText().equals(sink)) {
                return r;
            }
        }
        throw new AssertionError("no result for sink " + sink + ": " + report);
    }

    /** Updates, inserts and deletes rows until told to stop. */
    private void write(AtomicBoolean writing, AtomicLong changes) {
        try (Connection c = PostgresPipelineIT.connect(); Statement st = c.createStatement()) {
            long next = ROWS + 1;
            while (writing.get()) {
                long id = ThreadLocalRandom.current().nextLong(1, ROWS + 1);
                st.execute("UPDATE " + name + " SET price = price + 1, name = 'changed " + changes.get() + "' WHERE id = "
                        + id);
                st.execute("INSERT INTO " + name + " (id, name) VALUES (" + next++ + ", 'new')");
                st.execute("DELETE FROM " + name + " WHERE id = " + (next - 3));
                changes.addAndGet(3);
                Thread.sleep(5);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String index() {
        return name + "_" + name;
    }

    private long esCount() throws IOException, InterruptedException {
        es("POST", "/" + index() + "/_refresh", null);
        return es("GET", "/" + index() + "/_count", null).path("count").asLong(-1);
    }

    private long redisKeys(String kind) {
        try (Jedis r = redis()) {
            return r.keys(name + kind + "*").size();
        }
    }

    private static Jedis redis() {
        return new Jedis(URI.create(Services.redisUri()));
    }

    private static JsonNode es(String method, String path, String body) throws IOException, InterruptedException {
        return EsTestIndex.request(method, path, body);
    }

    private void await(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                fail("not within 180 s: " + what + "\n" + (cdc == null ? "" : cdc.stderr()));
            }
            Thread.sleep(100);
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }

}
