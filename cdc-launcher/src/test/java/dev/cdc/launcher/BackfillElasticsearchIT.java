package dev.cdc.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdc.testkit.fixture.EsTestIndex;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Done-when of backfills: a PostgreSQL table (rows: system property {@code cdc.it.backfill.rows},
 * 100,000 by default; 1,000,000 by hand) is backfilled into Elasticsearch through the running
 * launcher's HTTP API while a writer updates ({@code v = v + 1}, so a value never goes back) and
 * deletes rows of it. The pipeline streams only ({@code snapshot-mode: never}): every row the
 * index holds before the writer touched it came by the backfill. The index ends equal to the
 * table, and no backfilled row replaced a newer streamed one: each document's value equals the
 * table's, and its external {@code _version} is the version of the event that wrote it (a
 * backfilled row's has no event index, {@code H << 20}; a streamed change's has an odd index).
 * And {@code on-position-lost}: the slot dropped while the pipeline is down and rows are written;
 * the default refuses naming the options, heal ends with the index equal to the table.
 */
class BackfillElasticsearchIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int ROWS = Integer.getInteger("cdc.it.backfill.rows", 100_000);

    @TempDir
    Path work;

    @Test
    void aTableIsBackfilledIntoElasticsearchUnderAWriterAndEndsEqual() throws Exception {
        Services.requireReachable(Service.POSTGRES);
        Services.requireReachable(Service.ELASTICSEARCH);
        String name = "bf_es_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        EsTestIndex index = EsTestIndex.named(name);
        int port = CdcJar.freePort();
        Path yaml = work.resolve(name + ".yaml");
        Files.writeString(yaml, pipeline(name, port, ", snapshot-mode: never"));
        CdcJar run = null;
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = null;
        try {
            PostgresPipelineIT.exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, v bigint NOT NULL, "
                            + "pad text NOT NULL)",
                    "INSERT INTO " + name + " SELECT g, 0, md5(g::text) FROM generate_series(1, " + ROWS + ") g",
                    "ANALYZE " + name);
            run = CdcJar.start(work, "run", "run", yaml.getFileName().toString(), "--status-interval", "0");
            awaitHttp(port);
            CdcJar r = run;
            // the monitoring server answers before the slot exists: write until a change comes through
            await(r, "the stream", Duration.ofSeconds(120), () -> {
                PostgresPipelineIT.exec("UPDATE " + name + " SET v = v + 1 WHERE id = 1");
                return index.count() == 1;
            });

            AtomicLong writes = new AtomicLong();
            writer = new Thread(() -> write(name, stop, writes), "writer");
            writer.start();
            long started = System.nanoTime();
            String answer = post(port, "/backfills", "{\"table\":\"public." + name + "\",\"id\":\"big\"}");
            assertThat(answer).contains("\"id\":\"big\"");
            await(r, "the backfill", Duration.ofMinutes(30), () -> JSON.readTree(get(port, "/backfills/big"))
                    .path("state").asText().equals("done"));
            double seconds = (System.nanoTime() - started) / 1e9;
            stop.set(true);
            writer.join();
            System.out.printf("backfill of %,d rows into Elasticsearch: %.1f s (%,.0f rows/s), %,d writes meanwhile%n",
                    ROWS, seconds, ROWS / seconds, writes.get());
            assertThat(writes.get()).as("the writer ran during the backfill").isGreaterThan(50);

            Map<Long, Long> table = tableValues(name);
            await(r, "the index equal to the table", Duration.ofMinutes(10),
                    () -> index.longs("id", "v").equals(table));
            Map<Long, Long> versions = new HashMap<>();
            Map<Long, Long> es = index.longs("id", "v", versions);
            assertThat(es).isEqualTo(table);
            long backfilled = versions.values().stream().filter(v -> (v & 0xFFFFF) == 0).count();
            long streamed = versions.values().stream().filter(v -> (v & 0xFFFFF) % 2 == 1).count();
            assertThat(backfilled).as("documents last written by the backfill").isGreaterThan(ROWS / 2);
            assertThat(streamed).as("documents last written by a streamed change").isGreaterThan(0);
            assertThat(backfilled + streamed).as("every version is a backfill's or a streamed change's")
                    .isEqualTo(versions.size());
            // a document the writer changed holds a v > 0; if a backfilled (older) row had replaced a newer
            // streamed one, its v would be below the table's, which the equality above rules out
            assertThat(es.values().stream().filter(v -> v > 0).count()).as("rows the writer changed").isGreaterThan(0);
        } finally {
            stop.set(true);
            if (writer != null) {
                writer.join();
            }
            if (run != null) {
                run.process().destroy();
                run.waitFor(60);
            }
            PostgresPipelineIT.dropSlotPublicationAndTable(name, name);
            EsTestIndex.deleteAll(name);
        }
    }

    @Test
    void aSlotDroppedWhileThePipelineIsDownIsHealedIntoElasticsearch() throws Exception {
        Services.requireReachable(Service.POSTGRES);
        Services.requireReachable(Service.ELASTICSEARCH);
        String name = "bf_heal_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        EsTestIndex index = EsTestIndex.named(name);
        int port = CdcJar.freePort();
        Files.writeString(work.resolve("fail.yaml"), pipeline(name, port, ""));
        Files.writeString(work.resolve("heal.yaml"), pipeline(name, port,
                ", on-position-lost: heal, backfill-chunk-size: 500"));
        try {
            PostgresPipelineIT.exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, v bigint NOT NULL)",
                    "INSERT INTO " + name + " SELECT g, 0 FROM generate_series(1, 5000) g");
            CdcJar first = CdcJar.start(work, "run1", "run", "fail.yaml", "--status-interval", "0");
            Map<Long, Long> initial = tableValues(name);
            await(first, "the snapshot in Elasticsearch", Duration.ofSeconds(120),
                    () -> index.longs("id", "v").equals(initial));
            PostgresPipelineIT.exec("UPDATE " + name + " SET v = 1 WHERE id <= 10");
            await(first, "a streamed change", Duration.ofSeconds(120), () -> index.longs("id", "v").get(1L) == 1L);
            Thread.sleep(1000); // a checkpoint after it
            first.process().destroy();
            assertThat(first.waitFor(60)).isEqualTo(ExitCodes.OK);

            // while the pipeline is down: the slot is dropped and rows are inserted, updated and deleted
            PostgresPipelineIT.exec("SELECT pg_drop_replication_slot('" + name + "')",
                    "INSERT INTO " + name + " SELECT g, 0 FROM generate_series(5001, 5500) g",
                    "UPDATE " + name + " SET v = v + 7 WHERE id % 13 = 0",
                    "DELETE FROM " + name + " WHERE id % 17 = 0");
            CdcJar refused = CdcJar.start(work, "refused", "run", "fail.yaml", "--status-interval", "0");
            assertThat(refused.waitFor(120)).isNotEqualTo(ExitCodes.OK);
            assertThat(refused.stderr()).contains("replication slot '" + name + "' does not exist")
                    .contains("on-position-lost: heal").contains("snapshot-mode when-needed");

            CdcJar healed = CdcJar.start(work, "run2", "run", "heal.yaml", "--status-interval", "0");
            try {
                Map<Long, Long> table = tableValues(name);
                await(healed, "the index equal to the table after the heal", Duration.ofSeconds(180),
                        () -> index.longs("id", "v").equals(table));
                PostgresPipelineIT.exec("UPDATE " + name + " SET v = 99 WHERE id = 2", "DELETE FROM " + name
                        + " WHERE id = 3");
                Map<Long, Long> after = tableValues(name);
                await(healed, "streaming from the new slot", Duration.ofSeconds(120),
                        () -> index.longs("id", "v").equals(after));
                assertThat(healed.stderr()).contains("on-position-lost is heal");
            } finally {
                healed.process().destroy();
                healed.waitFor(60);
            }
        } finally {
            PostgresPipelineIT.dropSlotPublicationAndTable(name, name);
            EsTestIndex.deleteAll(name);
        }
    }

    /** A PostgreSQL -> Elasticsearch pipeline of table public.{@code name}; {@code source} adds source options. */
    private static String pipeline(String name, int port, String source) {
        return """
                pipeline: %1$s
                source: {type: postgres, url: "%2$s", user: postgres, slot: %1$s, tables: [public.%1$s]%4$s}
                sinks:
                  - {name: search, type: elasticsearch, hosts: ["%3$s"], index: "%1$s",
                     index-settings: {number_of_replicas: 0, refresh_interval: 1s}}
                checkpoint: {type: file, path: ./state}
                engine: {checkpoint-interval: 100ms}
                metrics: {port: %5$d}
                """.formatted(name, PostgresPipelineIT.URL, Services.elasticsearchUrl(), source, port);
    }

    /** Updates (v = v + 1) and deletes random rows, one per transaction, and inserts new ones, until told to stop. */
    private static void write(String table, AtomicBoolean stop, AtomicLong writes) {
        try (Connection c = PostgresPipelineIT.connect();
             PreparedStatement upd = c.prepareStatement("UPDATE " + table + " SET v = v + 1 WHERE id = ?");
             PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?");
             PreparedStatement ins = c.prepareStatement("INSERT INTO " + table + " VALUES (?, 1, 'new')")) {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            long next = ROWS + 1;
            while (!stop.get()) {
                int op = rnd.nextInt(10);
                if (op < 7) {
                    upd.setLong(1, 1 + rnd.nextLong(ROWS));
                    upd.executeUpdate();
                } else if (op < 9) {
                    del.setLong(1, 1 + rnd.nextLong(ROWS));
                    del.executeUpdate();
                } else {
                    ins.setLong(1, next++);
                    ins.executeUpdate();
                }
                writes.incrementAndGet();
                Thread.sleep(2);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
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

    /** What {@link #await} waits for. */
    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(CdcJar cdc, String what, Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (!cdc.process().isAlive() || System.nanoTime() > deadline) {
                fail("waiting for " + what + "; cdc stderr:\n" + cdc.stderr());
            }
            Thread.sleep(500);
        }
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

    private static String get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String post(int port, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

}
