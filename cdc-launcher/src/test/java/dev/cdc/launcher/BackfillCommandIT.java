package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdc.testkit.fixture.EsTestIndex;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import dev.cdc.testkit.fixture.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code cdc backfill} and {@code cdc reattach --backfill} against {@code cdc run} processes: the
 * refusal of a source that cannot backfill (online and offline), a PostgreSQL table backfilled into
 * Redis only while Elasticsearch is left alone, an Elasticsearch sink detached by an outage
 * ({@code when-full: detach}) brought back by {@code cdc reattach --backfill} until it equals the
 * table, and a signal-table insert that backfills.
 */
class BackfillCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int ROWS = 2000;

    @TempDir
    Path work;

    @Test
    void aSourceThatCannotBackfillIsRefusedClearlyOnlineAndOffline() throws Exception {
        int port = CdcJar.freePort();
        Files.writeString(work.resolve("gen.yaml"), """
                pipeline: bfgen
                source: {type: generator, rate: 100}
                sinks:
                  - {name: out, type: discard}
                checkpoint: {type: file, path: ./state}
                metrics: {port: %d}
                """.formatted(port));
        CdcJar run = CdcJar.start(work, "run", "run", "gen.yaml", "--status-interval", "0");
        try {
            awaitHttp(port);
            CdcJar online = CdcJar.start(work, "online", "backfill", "gen.yaml", "--table", "demo.items");
            assertThat(online.waitFor(60)).isEqualTo(ExitCodes.INVALID);
            assertThat(online.stderr()).contains("refused by the running pipeline 'bfgen'")
                    .contains("(type generator) cannot backfill").doesNotContain("Exception").doesNotContain("\tat ");
        } finally {
            run.process().destroy();
            run.waitFor(60);
        }
        CdcJar offline = CdcJar.start(work, "offline", "backfill", "gen.yaml", "--table", "demo.items");
        assertThat(offline.waitFor(60)).isEqualTo(ExitCodes.INVALID);
        assertThat(offline.stderr()).contains("(type generator) cannot backfill").doesNotContain("\tat ");
        assertThat(work.resolve("state/backfills")).satisfiesAnyOf(d -> assertThat(d).doesNotExist(),
                d -> assertThat(d).isEmptyDirectory());
    }

    @Test
    void aBackfillIntoRedisOnlyRepairsRedisAndLeavesElasticsearchAlone() throws Exception {
        requireServers();
        String name = "bf_cmd_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        int port = CdcJar.freePort();
        Path yaml = pipeline(name, port);
        CdcJar run = null;
        try {
            PostgresPipelineIT.exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, v bigint NOT NULL)",
                    "INSERT INTO " + name + " SELECT g, g FROM generate_series(1, " + ROWS + ") g");
            run = CdcJar.start(work, "run", "run", yaml.getFileName().toString(), "--status-interval", "0");
            awaitHttp(port);
            Map<Long, Long> table = tableValues(name);
            await(run, "the snapshot in both sinks", () -> esValues(name).equals(table) && redisValues(name).equals(table));

            // behind the pipeline's back: 50 keys gone from Redis, 50 changed; 30 documents gone from Elasticsearch
            try (Jedis redis = new Jedis(URI.create(Services.redisUri()))) {
                for (long id = 1; id <= 50; id++) {
                    redis.del(name + ":" + id);
                    redis.hset(name + ":" + (100 + id), "v", "-7");
                }
            }
            for (JsonNode hit : es("POST", "/" + name + "/_search?size=10000", "").path("hits").path("hits")) {
                if (hit.path("_source").path("id").asLong() <= 30) {
                    es("DELETE", "/" + hit.path("_index").asText() + "/_doc/" + hit.path("_id").asText(), "");
                }
            }
            assertThat(esValues(name)).hasSize(ROWS - 30);
            PostgresPipelineIT.exec("UPDATE " + name + " SET v = v + 1000000 WHERE id = " + ROWS);

            CdcJar bf = CdcJar.start(work, "backfill", "backfill", yaml.getFileName().toString(), "--table",
                    "public." + name, "--sink", "cache", "--id", "redis-repair", "--wait");
            assertThat(bf.waitFor(120)).as(bf.stderr()).isEqualTo(ExitCodes.OK);
            assertThat(bf.stdout()).contains("backfill redis-repair of public." + name + " queued in the running "
                    + "pipeline").contains("redis-repair public." + name + " -> cache: done, " + ROWS + " of ~");

            Map<Long, Long> now = tableValues(name);
            await(run, "Redis equal to the table", () -> redisValues(name).equals(now));
            Map<Long, Long> es = esValues(name);
            assertThat(es).as("Elasticsearch is not rewritten by a backfill into cache").hasSize(ROWS - 30)
                    .doesNotContainKeys(1L, 30L);
            assertThat(es.get((long) ROWS)).as("streamed changes still reach it").isEqualTo(ROWS + 1_000_000L);

            CdcJar status = CdcJar.start(work, "status", "status", "--url", "http://127.0.0.1:" + port);
            assertThat(status.waitFor(60)).isEqualTo(ExitCodes.OK);
            assertThat(status.stdout()).contains("backfills:").contains("redis-repair public." + name + " -> cache: done");
            JsonNode one = JSON.readTree(get(port, "/backfills/redis-repair"));
            assertThat(one.path("state").asText()).isEqualTo("done");
            assertThat(one.path("rows").asLong()).isEqualTo(ROWS);
            JsonNode stored = JSON.readTree(work.resolve("state/backfills/redis-repair.json").toFile());
            assertThat(stored.path("state").asText()).isEqualTo("done");
            assertThat(get(port, "/metrics")).contains("cdc_backfill_rows_total{pipeline=\"" + name
                    + "\",sink=\"cache\",table=\"public." + name + "\"} " + ROWS + ".0");
        } finally {
            if (run != null) {
                run.process().destroy();
                run.waitFor(60);
            }
            cleanUp(name);
        }
    }

    @Test
    void aDetachedSinkIsBroughtBackByAOneSinkBackfill() throws Exception {
        requireServers();
        String name = "bf_reattach_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        int port = CdcJar.freePort();
        URI es = URI.create(Services.elasticsearchUrl());
        CdcJar started = null;
        try (TcpProxy proxy = TcpProxy.start(es.getHost(), es.getPort())) {
            Path yaml = detachablePipeline(name, port, proxy);
            CdcJar first = CdcJar.start(work, "run1", "run", yaml.getFileName().toString(), "--status-interval", "0");
            started = first;
            awaitHttp(port);
            Map<Long, Long> initial = tableValues(name);
            await(first, "the snapshot in both sinks", () -> esValues(name).equals(initial)
                    && redisValues(name).equals(initial));

            // Elasticsearch unreachable: its lane spends its 2 MB backlog budget and is detached (when-full: detach)
            detachSearch(first, name, port, proxy);
            PostgresPipelineIT.exec("UPDATE " + name + " SET v = -v WHERE id % 10 = 0",
                    "INSERT INTO " + name + " SELECT g, g FROM generate_series(" + (ROWS + 1) + ", " + (ROWS + 100)
                            + ") g");
            Map<Long, Long> changed = tableValues(name);
            await(first, "Redis follows while search is detached", () -> redisValues(name).equals(changed));
            first.process().destroy();
            assertThat(first.waitFor(60)).isEqualTo(ExitCodes.OK);
            assertThat(work.resolve("state/detached/search.json")).exists();
            proxy.accept();
            assertThat(esValues(name)).as("the detached sink missed the changes").isNotEqualTo(changed);

            CdcJar reattach = CdcJar.start(work, "reattach", "reattach", yaml.getFileName().toString(), "search",
                    "--backfill");
            assertThat(reattach.waitFor(60)).as(reattach.stderr()).isEqualTo(ExitCodes.OK);
            assertThat(reattach.stdout()).contains("sink 'search' re-attached").contains("public." + name);
            assertThat(work.resolve("state/detached/search.json")).doesNotExist();

            CdcJar second = CdcJar.start(work, "run2", "run", yaml.getFileName().toString(), "--status-interval", "0");
            try {
                awaitHttp(port);
                await(second, "Elasticsearch equal to the table again", () -> esValues(name).equals(changed));
                assertThat(redisValues(name)).isEqualTo(changed);
                JsonNode list = JSON.readTree(get(port, "/backfills"));
                assertThat(list).singleElement().satisfies(b -> {
                    assertThat(b.path("sinks").toString()).isEqualTo("[\"search\"]");
                    assertThat(b.path("table").asText()).isEqualTo("public." + name);
                });
                await(second, "the backfill done", () -> JSON.readTree(get(port, "/backfills")).get(0).path("state")
                        .asText().equals("done"));
            } finally {
                second.process().destroy();
                second.waitFor(60);
            }
        } finally {
            if (started != null && started.process().isAlive()) {
                started.process().destroy();
                started.waitFor(60);
            }
            cleanUp(name);
        }
    }

    @Test
    void aDetachedSinkIsReattachedWhileThePipelineRunsAndWritesGoOn() throws Exception {
        requireServers();
        String name = "bf_live_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        int port = CdcJar.freePort();
        URI es = URI.create(Services.elasticsearchUrl());
        CdcJar run = null;
        try (TcpProxy proxy = TcpProxy.start(es.getHost(), es.getPort())) {
            Path yaml = detachablePipeline(name, port, proxy);
            run = CdcJar.start(work, "run", "run", yaml.getFileName().toString(), "--status-interval", "0");
            CdcJar running = run;
            awaitHttp(port);
            Map<Long, Long> initial = tableValues(name);
            await(run, "the snapshot in both sinks", () -> esValues(name).equals(initial)
                    && redisValues(name).equals(initial));

            // Elasticsearch unreachable: its lane spends its 2 MB backlog budget and is detached (when-full: detach)
            detachSearch(run, name, port, proxy);
            assertThat(work.resolve("state/detached/search.json")).exists();
            PostgresPipelineIT.exec("UPDATE " + name + " SET v = -v WHERE id % 10 = 0",
                    "DELETE FROM " + name + " WHERE id BETWEEN 1901 AND 1950",
                    "INSERT INTO " + name + " SELECT g, g FROM generate_series(" + (ROWS + 1) + ", " + (ROWS + 100)
                            + ") g");
            Map<Long, Long> changed = tableValues(name);
            await(run, "Redis follows while search is detached", () -> redisValues(name).equals(changed));
            proxy.accept();
            Thread.sleep(1500); // the detached sink stays detached with its target back
            assertThat(JSON.readTree(get(port, "/status")).path("sinks").get(0).path("state").asText())
                    .isEqualTo("detached");

            CdcJar reattach;
            try (Connection c = PostgresPipelineIT.connect();
                 BackgroundWrites writes = new BackgroundWrites(name, () -> {
                     try (Statement st = c.createStatement()) {
                         st.executeUpdate("UPDATE " + name + " SET v = v + 1000 WHERE id = "
                                 + (1 + ThreadLocalRandom.current().nextInt(ROWS + 100)));
                     }
                 })) {
                Thread.sleep(500);
                reattach = CdcJar.start(work, "reattach", "reattach", yaml.getFileName().toString(), "search",
                        "--backfill");
                assertThat(reattach.waitFor(60)).as(reattach.stderr()).isEqualTo(ExitCodes.OK);
                Thread.sleep(1500); // writes go on after the re-attach: they must reach the sink by the stream
            }
            assertThat(run.process().isAlive()).as("the same run goes on").isTrue();
            assertThat(reattach.stdout()).contains("sink 'search' re-attached in the running pipeline '" + name + "'")
                    .contains("It receives every change after position").contains("reattach-search-")
                    .contains("public." + name);
            assertThat(work.resolve("state/detached/search.json")).doesNotExist();
            JsonNode sink = JSON.readTree(get(port, "/status")).path("sinks").get(0);
            assertThat(sink.path("detached").isNull()).as(sink.toString()).isTrue();

            await(run, "the backfill done", () -> {
                JsonNode list = JSON.readTree(get(port, "/backfills"));
                return list.size() == 1 && list.get(0).path("state").asText().equals("done");
            });
            JsonNode b = JSON.readTree(get(port, "/backfills")).get(0);
            assertThat(b.path("sinks").toString()).isEqualTo("[\"search\"]");
            assertThat(b.path("table").asText()).isEqualTo("public." + name);
            Map<Long, Long> now = tableValues(name);
            Map<Long, Long> withDeleted = new HashMap<>(now);
            for (long id = 1901; id <= 1950; id++) {
                withDeleted.put(id, id); // as the snapshot wrote it: every later change was skipped
            }
            await(run, "Elasticsearch equal to the table, but for the rows deleted while detached",
                    () -> esValues(name).equals(withDeleted));
            assertThat(redisValues(name)).isEqualTo(now);

            // cdc verify (its own process) finds them; the running launcher shows its result
            String tags = "pipeline=\"" + name + "\",sink=\"search\",table=\"public." + name + "\"";
            CdcJar check = CdcJar.start(work, "check", "verify", yaml.getFileName().toString(), "--sink", "search",
                    "--settle", "500ms");
            assertThat(check.waitFor(180)).as(check.stderr()).isEqualTo(ExitCodes.DIFFERENT);
            assertThat(check.stdout()).contains("extra 50");
            JsonNode found = JSON.readTree(get(port, "/status")).path("verify");
            assertThat(found).as(found.toString()).singleElement().satisfies(r -> {
                assertThat(r.path("table").asText()).isEqualTo("public." + name);
                assertThat(r.path("sink").asText()).isEqualTo("search");
                assertThat(r.path("equal").asBoolean()).isFalse();
                assertThat(r.path("extra").asLong()).isEqualTo(50);
                assertThat(r.path("missing").asLong()).isZero();
                assertThat(r.path("different").asLong()).isZero();
                assertThat(r.path("source_rows").asLong()).isEqualTo(now.size());
                assertThat(r.path("sample").path("extra")).hasSize(10);
            });
            assertThat(get(port, "/metrics")).contains("cdc_verify_differences{kind=\"extra\"," + tags + "} 50.0")
                    .contains("cdc_verify_equal{" + tags + "} 0.0")
                    .contains("cdc_verify_rows{" + tags + "} " + now.size() + ".0")
                    .contains("cdc_verify_last_run_timestamp_seconds{" + tags + "}");
            CdcJar status = CdcJar.start(work, "status", "status", "--url", "http://127.0.0.1:" + port);
            assertThat(status.waitFor(60)).isEqualTo(ExitCodes.OK);
            assertThat(status.stdout()).contains("verify (latest `cdc verify` of each table and sink):")
                    .contains("public." + name + " -> search: DIFFERENT (" + now.size() + " rows; missing 0, extra 50, "
                            + "different 0)");

            CdcJar verify = CdcJar.start(work, "verify", "verify", yaml.getFileName().toString(), "--sink", "search",
                    "--repair", "--wait", "--settle", "500ms");
            assertThat(verify.waitFor(180)).as(verify.stderr()).isEqualTo(ExitCodes.OK);
            assertThat(verify.stdout()).contains("extra 50").contains("EQUAL");
            await(running, "Elasticsearch equal to the table", () -> esValues(name).equals(now));
            JsonNode repaired = JSON.readTree(get(port, "/status")).path("verify").get(0);
            assertThat(repaired.path("equal").asBoolean()).as(repaired.toString()).isTrue();
            assertThat(repaired.path("extra").asLong()).isZero();
            assertThat(repaired.path("found").path("extra").asLong()).isEqualTo(50);
            assertThat(repaired.path("repair").asText()).contains("backfill").contains("done");
            assertThat(get(port, "/metrics")).contains("cdc_verify_differences{kind=\"extra\"," + tags + "} 0.0")
                    .contains("cdc_verify_equal{" + tags + "} 1.0");
        } finally {
            if (run != null) {
                run.process().destroy();
                run.waitFor(60);
            }
            cleanUp(name);
        }
    }

    @Test
    void aScheduledVerifyShowsDriftInTheRunningLauncher() throws Exception {
        requireServers();
        String name = "bf_sched_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        int port = CdcJar.freePort();
        Path yaml = pipeline(name, port);
        CdcJar run = null;
        try {
            PostgresPipelineIT.exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, v bigint NOT NULL)",
                    "INSERT INTO " + name + " SELECT g, g FROM generate_series(1, 300) g");
            run = CdcJar.start(work, "run", "run", yaml.getFileName().toString(), "--status-interval", "0",
                    "--verify-every", "3s", "--verify-arg=--sink", "--verify-arg=search", "--verify-arg=--settle",
                    "--verify-arg=200ms", "--verify-arg=--rechecks", "--verify-arg=1");
            awaitHttp(port);
            Map<Long, Long> table = tableValues(name);
            await(run, "the snapshot in both sinks", () -> esValues(name).equals(table) && redisValues(name).equals(table));
            await(run, "a scheduled verify found the index equal", () -> {
                JsonNode v = JSON.readTree(get(port, "/status")).path("verify");
                return v.size() == 1 && v.get(0).path("equal").asBoolean() && v.get(0).path("source_rows").asLong() == 300;
            });

            // behind the pipeline's back: 5 documents deleted; the next scheduled verify shows them
            for (JsonNode hit : es("POST", "/" + name + "/_search?size=10000", "").path("hits").path("hits")) {
                if (hit.path("_source").path("id").asLong() <= 5) {
                    es("DELETE", "/" + hit.path("_index").asText() + "/_doc/" + hit.path("_id").asText(), "");
                }
            }
            String tags = "pipeline=\"" + name + "\",sink=\"search\",table=\"public." + name + "\"";
            await(run, "the scheduled verify's drift in the metrics", () -> get(port, "/metrics")
                    .contains("cdc_verify_differences{kind=\"missing\"," + tags + "} 5.0"));
            assertThat(get(port, "/metrics")).contains("cdc_verify_equal{" + tags + "} 0.0");
            JsonNode v = JSON.readTree(get(port, "/status")).path("verify").get(0);
            assertThat(v.path("missing").asLong()).isEqualTo(5);
            assertThat(v.path("sample").path("missing")).hasSize(5);
            CdcJar running = run;
            await(run, "the drift in the log", () -> running.stderr().contains("scheduled verify found DIFFERENCES (exit 4)"));

            // repaired by a backfill; POST /verify asks for a verify now (202, or 409 while the scheduled one runs)
            CdcJar bf = CdcJar.start(work, "backfill", "backfill", yaml.getFileName().toString(), "--table",
                    "public." + name, "--sink", "search", "--wait");
            assertThat(bf.waitFor(120)).as(bf.stderr()).isEqualTo(ExitCodes.OK);
            await(run, "POST /verify accepted", () -> post(port, "/verify").statusCode() == 202);
            await(run, "the verify asked for finds the index equal again", () -> get(port, "/metrics")
                    .contains("cdc_verify_equal{" + tags + "} 1.0"));
        } finally {
            if (run != null) {
                run.process().destroy();
                run.waitFor(60);
            }
            cleanUp(name);
        }
    }

    @Test
    void anInsertIntoTheSignalTableBackfillsAndTheSignalReachesNoSink() throws Exception {
        requireServers();
        String name = "bf_signal_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        String signal = name + "_sig";
        int port = CdcJar.freePort();
        Path yaml = pipeline(name, port);
        Files.writeString(yaml, Files.readString(yaml).replace("tables: [public." + name + "]",
                "tables: [public." + name + ", public." + signal + "]").replace("engine: {",
                "engine: {signal-table: public." + signal + ", "));
        CdcJar run = null;
        try {
            PostgresPipelineIT.exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, v bigint NOT NULL)",
                    "INSERT INTO " + name + " SELECT g, g FROM generate_series(1, 300) g",
                    "CREATE TABLE " + signal + " (id text PRIMARY KEY, type text NOT NULL, data text)");
            run = CdcJar.start(work, "run", "run", yaml.getFileName().toString(), "--status-interval", "0");
            awaitHttp(port);
            Map<Long, Long> table = tableValues(name);
            await(run, "the snapshot in both sinks", () -> esValues(name).equals(table) && redisValues(name).equals(table));
            try (Jedis redis = new Jedis(URI.create(Services.redisUri()))) {
                for (long id = 1; id <= 20; id++) {
                    redis.del(name + ":" + id);
                }
            }
            PostgresPipelineIT.exec("INSERT INTO " + signal + " VALUES ('s1', 'backfill', '{\"table\": \"public." + name
                    + "\", \"where\": \"id <= 100\", \"sinks\": [\"cache\"]}')");
            await(run, "Redis repaired by the signalled backfill", () -> redisValues(name).equals(table));
            await(run, "the backfill done", () -> JSON.readTree(get(port, "/backfills/signal-s1")).path("state").asText()
                    .equals("done"));
            assertThat(JSON.readTree(get(port, "/backfills/signal-s1")).path("rows").asLong()).isEqualTo(100);
            try (Jedis redis = new Jedis(URI.create(Services.redisUri()))) {
                assertThat(redis.exists(name + ":s1")).as("the signal row reaches no sink").isFalse();
            }
            assertThat(esValues(name)).isEqualTo(table);
            JsonNode ids = es("POST", "/" + name + "/_search?size=10000&q=_id:s1", "").path("hits").path("hits");
            assertThat(ids).as("no signal document in Elasticsearch").isEmpty();
        } finally {
            if (run != null) {
                run.process().destroy();
                run.waitFor(60);
            }
            cleanUp(name);
            PostgresPipelineIT.exec("DROP TABLE IF EXISTS " + signal);
        }
    }

    /** The pipeline of {@link #pipeline}, its Elasticsearch sink behind {@code proxy}, detached when its 2 MB are spent. */
    private Path detachablePipeline(String name, int port, TcpProxy proxy) throws Exception {
        Path yaml = pipeline(name, port);
        Files.writeString(yaml, Files.readString(yaml).replace("hosts: [\"" + Services.elasticsearchUrl() + "\"]",
                "hosts: [\"http://127.0.0.1:" + proxy.port() + "\"], queue-capacity: 64, "
                        + "retry: {max-attempts: 3, initial-backoff: 50ms, max-backoff: 200ms}, "
                        + "backlog: {max-bytes: 2mb, when-full: detach}"));
        PostgresPipelineIT.exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, v bigint NOT NULL)",
                "INSERT INTO " + name + " SELECT g, g FROM generate_series(1, " + ROWS + ") g");
        return yaml;
    }

    /** Elasticsearch unreachable, rows updated until its lane spent its backlog budget and was detached. */
    private static void detachSearch(CdcJar run, String name, int port, TcpProxy proxy) throws Exception {
        proxy.refuse();
        long v = 0;
        while (!JSON.readTree(get(port, "/status")).path("sinks").get(0).path("detached").isObject()) {
            assertThat(run.process().isAlive()).as(run.stderr()).isTrue();
            PostgresPipelineIT.exec("UPDATE " + name + " SET v = " + (--v) + " WHERE id <= 500");
            Thread.sleep(50);
        }
    }

    private static void requireServers() {
        Services.requireReachable(Service.POSTGRES);
        Services.requireReachable(Service.ELASTICSEARCH);
        Services.requireReachable(Service.REDIS);
    }

    /**
     * The test pipeline. {@code messages: false}: PostgreSQL hands every slot the logical messages of
     * every session, so other tests' messages on the shared server would become documents in the index.
     */
    private Path pipeline(String name, int port) throws Exception {
        Path file = work.resolve(name + ".yaml");
        Files.writeString(file, """
                pipeline: %1$s
                source: {type: postgres, url: "%2$s", user: postgres, slot: %1$s, tables: [public.%1$s],
                         backfill-chunk-size: 500, messages: false}
                sinks:
                  - {name: search, type: elasticsearch, hosts: ["%3$s"], index: "%1$s",
                     index-settings: {number_of_replicas: 0, refresh_interval: 1s}}
                  - {name: cache, type: redis, uri: "%4$s", mode: hash, key-template: "%1$s:${key}",
                     metadata-prefix: "%1$s:meta:"}
                checkpoint: {type: file, path: ./state}
                engine: {checkpoint-interval: 100ms, flush-interval: 20ms}
                metrics: {port: %5$d}
                """.formatted(name, PostgresPipelineIT.URL, Services.elasticsearchUrl(), Services.redisUri(), port));
        return file;
    }

    private static void awaitHttp(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                get(port, "/health");
                return;
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static HttpResponse<String> post(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** What {@link #await} waits for. */
    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    static void await(CdcJar cdc, String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.holds()) {
            if (!cdc.process().isAlive() || System.nanoTime() > deadline) {
                fail("waiting for " + what + "; cdc stderr:\n" + cdc.stderr());
            }
            Thread.sleep(250);
        }
    }

    private static Map<Long, Long> tableValues(String table) throws Exception {
        Map<Long, Long> out = new HashMap<>();
        try (Connection c = PostgresPipelineIT.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, v FROM " + table)) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return out;
    }

    private static Map<Long, Long> esValues(String index) throws Exception {
        return EsTestIndex.named(index).longs("id", "v");
    }

    static Map<Long, Long> redisValues(String name) {
        Map<Long, Long> out = new HashMap<>();
        try (Jedis redis = new Jedis(URI.create(Services.redisUri()))) {
            for (String key : redis.keys(name + ":*")) {
                if (key.startsWith(name + ":meta:")) {
                    continue;
                }
                String v = redis.hget(key, "v");
                if (v != null) {
                    out.put(Long.parseLong(key.substring(name.length() + 1)), Long.parseLong(v));
                }
            }
        }
        return out;
    }

    private static JsonNode es(String method, String path, String body) throws Exception {
        return EsTestIndex.request(method, path, body);
    }

    private static void cleanUp(String name) throws Exception {
        PostgresPipelineIT.dropSlotPublicationAndTable(name, name);
        EsTestIndex.deleteAll(name + "_v");
        try (Jedis redis = new Jedis(URI.create(Services.redisUri()))) {
            for (String key : redis.keys(name + ":*")) {
                redis.del(key);
            }
        }
    }
}
