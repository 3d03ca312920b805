package dev.cdc.golden;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Teams on Debezium point cdc's sinks at the topics they already have: the real Debezium 3.0.8
 * PostgreSQL connector captures a table (snapshot, inserts, updates, a delete), its records
 * (JsonConverter with schemas, tombstones included) go to a Kafka topic as Kafka Connect would
 * write them, and one {@code cdc run} reads that topic with the {@code kafka} source into Redis and
 * Elasticsearch: both end with exactly the table's rows, each value exact (a numeric(10,2) keeps
 * its scale, a timestamp its microseconds, a date is a date, not Debezium's day count).
 */
class DebeziumTopicsIT extends GoldenTest {

    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final String BOOTSTRAP = System.getProperty("cdc.it.kafka.bootstrap", "127.0.0.1:9092");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void debeziumTopicsFeedRedisAndElasticsearchWithExactValues() throws Exception {
        Services.requireReachable(Service.POSTGRES);
        Services.requireReachable(Service.REDIS);
        Services.requireReachable(Service.ELASTICSEARCH);
        String s = "dbzk_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
        String prefix = s;
        String topic = prefix + "." + s + ".t";
        exec(URL, "CREATE SCHEMA " + s, "CREATE TABLE " + s + ".t (id int PRIMARY KEY, c_bigint bigint,"
                        + " c_num numeric(10,2), c_text text, c_date date, c_ts timestamp, c_tstz timestamptz, c_uuid uuid,"
                        + " c_bool boolean, c_double double precision)",
                "INSERT INTO " + s + ".t VALUES (1, 9223372036854775807, 12.50, 'héllo', '2024-02-29',"
                        + " '2024-02-29 13:45:00.123456', '2024-02-29 13:45:00.123456+02', '123e4567-e89b-12d3-a456-426614174000',"
                        + " true, 0.1), (2, -1, -0.01, '', '1900-01-01', '1970-01-01 00:00:00', '1970-01-01 00:00:00+00',"
                        + " '00000000-0000-0000-0000-000000000000', false, -1e-300), (3, 3, 3.00, 'gone', '2000-01-01',"
                        + " '2000-01-01 00:00:00', '2000-01-01 00:00:00+00', '11111111-2222-3333-4444-555555555555', true, 3)");
        Path work = Files.createTempDirectory("dbz-topics");
        try (DebeziumRun dbz = DebeziumRun.start(debezium(s, prefix))) {
            await("Debezium's snapshot", () -> dbz.records().size() >= 3, Duration.ofSeconds(90),
                    () -> dbz.records().toString());
            exec(URL, "UPDATE " + s + ".t SET c_num = 99.90, c_text = 'changed' WHERE id = 1",
                    "INSERT INTO " + s + ".t VALUES (4, 4, 4.40, 'new', '2026-12-06', '2026-12-06 21:00:00.000001',"
                            + " '2026-12-06 21:00:00.000001+00', '44444444-4444-4444-4444-444444444444', null, null)",
                    "DELETE FROM " + s + ".t WHERE id = 3");
            List<DebeziumRun.Record> records = settled(dbz::records, Duration.ofSeconds(3), Duration.ofSeconds(60));
            assertThat(records.stream().filter(r -> r.topic().equals(topic))).as("Debezium's records of %s", topic)
                    .hasSizeGreaterThanOrEqualTo(7); // 3 snapshot reads, update, insert, delete, tombstone
            produce(records);
        }
        try (CdcRun cdc = CdcRun.start(work, """
                pipeline: %1$s
                source: {type: kafka, bootstrap-servers: ["%2$s"], topics: ["%3$s"], group-id: %1$s, format: debezium}
                sinks:
                  - {name: redis, type: redis, uri: "%4$s", mode: hash, key-template: "%1$s:${table}:${key}",
                     metadata-prefix: "%1$s:meta:", on-failure: fail}
                  - {name: es, type: elasticsearch, hosts: ["%5$s"], index: "%1$s-${name}", on-failure: fail,
                     index-settings: {number_of_replicas: 0}}
                checkpoint: {type: file, path: state}
                engine: {checkpoint-interval: 200ms}
                """.formatted(s, BOOTSTRAP, topic, Services.redisUri(), Services.elasticsearchUrl()))) {
            Map<Long, Map<String, String>> expected = tableRows(s);
            await("Redis equal to the table", () -> expected.equals(redisRows(s)), Duration.ofSeconds(90),
                    () -> "Redis " + redisRows(s) + "\nexpected " + expected + "\n" + stderr(cdc));
            await("Elasticsearch equal to the table", () -> expected.equals(esRows(s)), Duration.ofSeconds(60),
                    () -> "Elasticsearch " + esRows(s) + "\nexpected " + expected + "\n" + stderr(cdc));
            assertThat(cdc.isAlive()).as(stderr(cdc)).isTrue();
        } finally {
            exec(URL, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + s
                    + "' AND NOT active", "DROP PUBLICATION IF EXISTS " + s, "DROP SCHEMA IF EXISTS " + s + " CASCADE");
            es("DELETE", "/" + s + "-t*");
        }
    }

    private static Map<String, String> debezium(String slot, String prefix) {
        Map<String, String> p = new HashMap<>(Map.of(
                "connector.class", "io.debezium.connector.postgresql.PostgresConnector",
                "database.hostname", "127.0.0.1", "database.port", "5432", "database.user", "postgres",
                "database.password", "", "database.dbname", "test", "topic.prefix", prefix,
                "plugin.name", "pgoutput", "slot.name", slot, "publication.name", slot));
        p.putAll(Map.of("publication.autocreate.mode", "filtered", "table.include.list", slot + ".t",
                "snapshot.mode", "initial", "slot.drop.on.stop", "true"));
        return p;
    }

    /** Debezium's records into Kafka as Kafka Connect writes them: JsonConverter with schemas, tombstones too. */
    private static void produce(List<DebeziumRun.Record> records) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", BOOTSTRAP);
        p.put("acks", "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (DebeziumRun.Record r : records) {
                producer.send(new ProducerRecord<>(r.topic(), r.fullKey(), r.fullValue())).get();
            }
        }
    }

    /** Each row as the text cdc's sinks store: the value table's forms (JsonValues.text). */
    private static Map<Long, Map<String, String>> tableRows(String s) throws Exception {
        Map<Long, Map<String, String>> rows = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM " + s + ".t")) {
            while (rs.next()) {
                Map<String, String> row = new TreeMap<>();
                row.put("id", Integer.toString(rs.getInt("id")));
                row.put("c_bigint", Long.toString(rs.getLong("c_bigint")));
                row.put("c_num", rs.getBigDecimal("c_num").toPlainString());
                row.put("c_text", rs.getString("c_text"));
                row.put("c_date", rs.getObject("c_date", LocalDate.class).toString());
                row.put("c_ts", text(rs.getObject("c_ts", LocalDateTime.class)));
                row.put("c_tstz", rs.getObject("c_tstz", OffsetDateTime.class).toInstant().toString());
                row.put("c_uuid", rs.getString("c_uuid"));
                row.put("c_bool", rs.getObject("c_bool") == null ? null : Boolean.toString(rs.getBoolean("c_bool")));
                row.put("c_double", rs.getObject("c_double") == null ? null : Double.toString(rs.getDouble("c_double")));
                rows.put(rs.getLong("id"), row);
            }
        }
        return rows;
    }

    /** {@code 2024-02-29T13:45:00.123456}: seconds always, the fraction in groups of three. */
    private static String text(LocalDateTime t) {
        String iso = t.withNano(0).toString();
        iso = iso.length() == 16 ? iso + ":00" : iso;
        int nano = t.getNano();
        if (nano == 0) {
            return iso;
        }
        String f = String.format("%09d", nano);
        return iso + "." + (nano % 1_000_000 == 0 ? f.substring(0, 3) : nano % 1000 == 0 ? f.substring(0, 6) : f);
    }

    private static Map<Long, Map<String, String>> redisRows(String s) {
        Map<Long, Map<String, String>> rows = new TreeMap<>();
        try (Jedis redis = new Jedis(URI.create(Services.redisUri()))) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = redis.scan(cursor, new ScanParams().match(s + ":" + s + ".t:*").count(1000));
                for (String key : page.getResult()) {
                    Map<String, String> h = new TreeMap<>(redis.hgetAll(key));
                    h.keySet().removeIf(f -> f.startsWith("__cdc")); // the sink's order guard, not a column
                    for (String col : List.of("c_bool", "c_double")) {
                        h.putIfAbsent(col, null); // a NULL column is no field of the hash
                    }
                    rows.put(Long.parseLong(h.get("id")), h);
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return rows;
    }

    private static Map<Long, Map<String, String>> esRows(String s) {
        Map<Long, Map<String, String>> rows = new TreeMap<>();
        try {
            es("POST", "/" + s + "-t/_refresh");
            JsonNode hits = GoldenDiff.JSON.readTree(es("POST", "/" + s + "-t/_search?size=100")).path("hits").path("hits");
            for (JsonNode h : hits) {
                Map<String, String> row = new TreeMap<>();
                h.path("_source").fields().forEachRemaining(f -> row.put(f.getKey(), f.getValue().isNull() ? null
                        : f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString()));
                row.keySet().removeIf(f -> f.startsWith("__cdc"));
                rows.put(Long.parseLong(row.get("id")), row);
            }
        } catch (Exception e) {
            return Map.of();
        }
        return rows;
    }

    private static String es(String method, String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(Services.elasticsearchUrl() + path))
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(r, HttpResponse.BodyHandlers.ofString()).body();
    }
}
