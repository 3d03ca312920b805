package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdc.testkit.fixture.EsTestIndex;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Issue 13's consumer pipelines, each a {@code cdc run} of its own: PostgreSQL → kafka sink (the
 * capture pipeline) → a topic of three partitions → (kafka source → Elasticsearch) and (kafka
 * source → Redis), with groups of their own. A writer inserts, updates and deletes all along; the
 * Redis consumer is killed with kill -9 mid-stream (its group's committed offsets are then at or
 * behind its checkpoint's, never ahead) and started again; while it is down a column is added
 * and filled, a schema change that travels through the schema topic. In the end both targets hold
 * exactly the table's rows, values and the new column included.
 */
class KafkaConsumerPipelinesIT {

    private static final String BOOTSTRAP = System.getProperty("cdc.it.kafka.bootstrap", "127.0.0.1:9092");
    private static final String PG = PostgresPipelineIT.URL;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void bothConsumerPipelinesEndEqualToTheTableAcrossAKill() throws Exception {
        Services.requireReachable(Service.POSTGRES);
        Services.requireReachable(Service.ELASTICSEARCH);
        Services.requireReachable(Service.REDIS);
        String name = "kc_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        String table = name;
        String topic = name + ".public." + table;
        PostgresPipelineIT.exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, v bigint NOT NULL,"
                + " amount numeric(12,2), note text)",
                "INSERT INTO " + table + " SELECT g, 0, g * 1.25, 'row ' || g FROM generate_series(1, 500) g");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", BOOTSTRAP))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        Path capture = yaml("capture.yaml", """
                pipeline: %1$s
                source: {type: postgres, url: "%2$s", user: postgres, slot: %1$s, tables: [public.%1$s]}
                sinks:
                  - {name: kafka, type: kafka, bootstrap-servers: ["%3$s"]}
                checkpoint: {type: file, path: state-capture}
                engine: {checkpoint-interval: 100ms}
                """.formatted(name, PG, BOOTSTRAP));
        Path toEs = yaml("es.yaml", """
                pipeline: %1$s-es
                source: {type: kafka, bootstrap-servers: ["%2$s"], topics: ["%3$s"], schema-topic: "%1$s.schema-changes",
                         group-id: "%1$s-es"}
                sinks:
                  - {name: es, type: elasticsearch, hosts: ["%4$s"], index: "%1$s-${name}", on-failure: fail,
                     index-settings: {number_of_replicas: 0}}
                checkpoint: {type: file, path: state-es}
                engine: {checkpoint-interval: 100ms}
                """.formatted(name, BOOTSTRAP, topic, Services.elasticsearchUrl()));
        Path toRedis = yaml("redis.yaml", """
                pipeline: %1$s-redis
                source: {type: kafka, bootstrap-servers: ["%2$s"], topics: ["%3$s"], schema-topic: "%1$s.schema-changes",
                         group-id: "%1$s-redis"}
                sinks:
                  - {name: redis, type: redis, uri: "%4$s", mode: hash, key-template: "%1$s:${table}:${key}",
                     metadata-prefix: "%1$s:meta:", on-failure: fail}
                checkpoint: {type: file, path: state-redis}
                engine: {checkpoint-interval: 100ms}
                """.formatted(name, BOOTSTRAP, topic, Services.redisUri()));
        CdcJar captureRun = null;
        CdcJar esRun = null;
        CdcJar redisRun = null;
        CdcJar redisAgain = null;
        try (BackgroundWrites writes = new BackgroundWrites(name, () -> write(table))) {
            captureRun = CdcJar.start(work, "capture", "run", "--status-interval", "0", capture.toString());
            esRun = CdcJar.start(work, "es", "run", "--status-interval", "0", toEs.toString());
            redisRun = CdcJar.start(work, "redis", "run", "--status-interval", "0", toRedis.toString());
            awaitCheckpointWithOffsets(redisRun, work.resolve("state-redis"));
            Thread.sleep(ThreadLocalRandom.current().nextLong(300, 1500));
            assertThat(redisRun.process().isAlive()).as("the Redis consumer runs when killed:\n%s", redisRun.stderr())
                    .isTrue();
            redisRun.process().destroyForcibly().waitFor(); // SIGKILL: no last checkpoint, no last commit

            Map<String, Long> checkpoint = offsets(JSON.readTree(Files.readString(
                    work.resolve("state-redis/checkpoint.json"))));
            Map<String, Long> committed = groupOffsets(name + "-redis");
            System.out.printf("Redis consumer killed: checkpoint %s, group offsets %s%n", checkpoint, committed);
            committed.forEach((partition, offset) -> assertThat(offset)
                    .as("group offset of %s never ahead of the checkpoint %s", partition, checkpoint)
                    .isLessThanOrEqualTo(checkpoint.getOrDefault(partition, -1L)));

            Thread.sleep(1000); // the writer goes on while the Redis consumer is down
            // a schema change while it is down: it travels through the schema topic to both consumers' sinks
            PostgresPipelineIT.exec("ALTER TABLE " + table + " ADD COLUMN tag text",
                    "UPDATE " + table + " SET tag = 'tag-' || id WHERE id % 7 = 0");
            redisAgain = CdcJar.start(work, "redis-again", "run", "--status-interval", "0", toRedis.toString());
            Thread.sleep(1500);
            writes.close();
            Map<Long, String> rows = tableRows(table);
            System.out.printf("the table has %d rows after the writes%n", rows.size());
            CdcJar es = esRun;
            CdcJar redis = redisAgain;
            CdcJar cap = captureRun;
            await(List.of(cap, es), "Elasticsearch equal to the table", () -> rows.equals(esRows(name, table)));
            await(List.of(cap, redis), "Redis equal to the table", () -> rows.equals(redisRows(name, table)));
        } finally {
            for (CdcJar c : new CdcJar[] {captureRun, esRun, redisRun, redisAgain}) {
                if (c != null) {
                    c.process().destroyForcibly().waitFor();
                }
            }
            PostgresPipelineIT.dropSlotPublicationAndTable(name, table);
            EsTestIndex.deleteAll(name + "-" + table);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", BOOTSTRAP))) {
                admin.deleteTopics(List.of(topic, name + ".schema-changes")).all().get();
            } catch (Exception e) {
                // unique names: a leftover harms no other test
            }
        }
    }

    private Path yaml(String file, String text) throws Exception {
        return Files.writeString(work.resolve(file), text);
    }

    /** One random write: an insert of a new id, an update of v and amount, or a delete. */
    private static void write(String table) throws java.sql.SQLException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long id = r.nextLong(1, 800);
        String sql = switch (r.nextInt(4)) {
            case 0 -> "INSERT INTO " + table + " VALUES (" + id + ", 1, " + id + ".10, 'new') ON CONFLICT (id) DO UPDATE"
                    + " SET v = " + table + ".v + 1";
            case 1 -> "DELETE FROM " + table + " WHERE id = " + id;
            default -> "UPDATE " + table + " SET v = v + 1, amount = amount + 0.01 WHERE id = " + id;
        };
        PostgresPipelineIT.exec(sql);
    }

    private static Map<Long, String> tableRows(String table) throws Exception {
        Map<Long, String> rows = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(PG, "postgres", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, v, amount, note, tag FROM " + table)) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getLong(2) + "|" + rs.getBigDecimal(3).toPlainString() + "|" + rs.getString(4)
                        + "|" + rs.getString(5));
            }
        }
        return rows;
    }

    private static Map<Long, String> esRows(String name, String table) throws Exception {
        String index = name + "-" + table;
        EsTestIndex.named(index).refresh();
        JsonNode hits = EsTestIndex.request("POST", "/" + index + "/_search",
                "{\"size\":10000,\"query\":{\"match_all\":{}}}").path("hits").path("hits");
        Map<Long, String> rows = new TreeMap<>();
        hits.forEach(h -> {
            JsonNode s = h.path("_source");
            JsonNode tag = s.path("tag");
            rows.put(s.path("id").asLong(), s.path("v").asLong() + "|" + s.path("amount").asText() + "|"
                    + s.path("note").asText() + "|" + (tag.isMissingNode() || tag.isNull() ? null : tag.asText()));
        });
        return rows;
    }

    private static Map<Long, String> redisRows(String name, String table) {
        Map<Long, String> rows = new TreeMap<>();
        try (Jedis redis = new Jedis(URI.create(Services.redisUri()))) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = redis.scan(cursor, new ScanParams().match(name + ":public." + table + ":*")
                        .count(5000));
                for (String key : page.getResult()) {
                    Map<String, String> h = redis.hgetAll(key);
                    if (h.isEmpty()) {
                        continue; // deleted between SCAN and HGETALL: the consumer applied a delete
                    }
                    rows.put(Long.parseLong(h.get("id")), h.get("v") + "|" + h.get("amount") + "|" + h.get("note") + "|"
                            + h.get("tag"));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return rows;
    }

    /** The checkpoint's partition offsets ({@code "<topic>/<partition>" -> offset}). */
    private static Map<String, Long> offsets(JsonNode checkpoint) {
        Map<String, Long> out = new HashMap<>();
        checkpoint.path("position").path("offsets").fields().forEachRemaining(e -> {
            if (e.getKey().contains("/")) {
                out.put(e.getKey(), Long.parseLong(e.getValue().asText()));
            }
        });
        return out;
    }

    private static Map<String, Long> groupOffsets(String group) throws Exception {
        Map<String, Long> out = new HashMap<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", BOOTSTRAP))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            committed.forEach((tp, o) -> out.put(tp.topic() + "/" + tp.partition(), o.offset()));
        }
        return out;
    }

    private static void awaitCheckpointWithOffsets(CdcJar cdc, Path state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                if (!offsets(JSON.readTree(Files.readString(state.resolve("checkpoint.json")))).isEmpty()) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not written yet
            }
            if (!cdc.process().isAlive() || System.nanoTime() > deadline) {
                fail("no checkpoint with partition offsets within 90 s:\n" + cdc.stderr());
            }
            Thread.sleep(50);
        }
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(List<CdcJar> running, String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.holds()) {
            for (CdcJar c : running) {
                assertThat(c.process().isAlive()).as("a pipeline stopped while waiting for %s:\n%s", what, c.stderr())
                        .isTrue();
            }
            if (System.nanoTime() > deadline) {
                fail(what + " within 120 s; stderr of the pipelines:\n" + running.stream().map(CdcJar::stderr).toList());
            }
            Thread.sleep(500);
        }
    }
}
