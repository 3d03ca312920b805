package dev.cdc.launcher;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's "done when": a type-matrix pipeline (every type, edge values and the texts no Java
 * type holds: infinity, 24:00, NaN, zero dates, JSON scalars and arrays, integers beyond 64 bits,
 * microseconds, year 294276) from real PostgreSQL and real MariaDB, snapshot and stream, into
 * Elasticsearch and Redis (hash and json modes) with {@code on-failure: dead-letter}: no dead
 * letter, every row indexed, and every value read back from Elasticsearch's {@code _source}, from
 * its index (a term or range query per the documented policy) and from Redis equals the source's,
 * as a {@code cdc}-format file sink of the same pipeline wrote it.
 */
class TypeMatrixPipelineIT {

    private static final ObjectMapper EXACT = JsonMapper.builder()
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern ISO_DATE = Pattern.compile("[+-]?\\d{4,}-\\d{2}-\\d{2}");
    private static final Pattern ISO_TIMESTAMP = Pattern.compile("([+-]?\\d{4,})-\\d{2}-\\d{2}T[^ ]*");

    private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final String PG_COLUMNS = "id int PRIMARY KEY, i2 smallint, i8 bigint, f4 real, f8 double precision,"
            + " n numeric, n38 numeric(38,18), m money, b boolean, t text, c char(3), by bytea, d date, ti time,"
            + " ti3 time(3), tt timetz, ts timestamp, ts3 timestamp(3), tz timestamptz, iv interval, u uuid, j json,"
            + " jb jsonb, ai int[], at text[], e inet";
    private static final String PG_ROWS = "(1, -32768, 9223372036854775807, 1.5, 0.1, 12345678901234567890.123456789,"
            + " 1.000000000000000001, 1234.56, true, 'héllo', 'ab', '\\x00ff10', '2024-02-29', '13:45:00.123456',"
            + " '13:45:00.123', '08:00:00+05:30', '2024-02-29 13:45:00.123456', '2024-02-29 13:45:00.123',"
            + " '2024-02-29 13:45:00.123456+02', '1 year 2 mons', '123e4567-e89b-12d3-a456-426614174000',"
            + " '{\"a\": 0.1000, \"b\": [1, 2.5]}', '{\"a\": 0.1000}', '{1,NULL,3}', '{\"a\",\"b c\"}', '10.0.0.1'),"
            + " (2, 32767, -9223372036854775808, 'NaN', 'Infinity', 'NaN', 99999999999999999999.999999999999999999,"
            + " -92233720368547758.08, false, '', '', '\\x', 'infinity', '24:00:00', '23:59:59.999', '23:59:59.999999-12',"
            + " '-infinity', 'infinity', 'infinity', '-1 days', '00000000-0000-0000-0000-000000000000', '\"scalar\"',"
            + " '[1, 123456789012345678901234567890]', '{}', '{}', '::1'),"
            + " (3, 0, 0, '-Infinity', '-Infinity', 'Infinity', -0.000000000000000001, 0, true, 'x', 'x', '\\x01',"
            + " '0044-03-15 BC', '00:00:00', '00:00:00', '00:00:00+00', '294276-12-31 23:59:59.999999',"
            + " '1900-01-01 00:00:00.001', '1970-01-01 00:00:00.000001+00', '0', '11111111-2222-3333-4444-555555555555',"
            + " '[1, 2.5, \"x\", {\"a\": null}]', '{\"n\": 12345678901234567890.12345678901234567890}', '{42}', '{\"\"}',"
            + " '::ffff:1.2.3.4'),"
            + " (4" + ", NULL".repeat(25) + ")";

    private static final String MY_URL = "jdbc:mariadb://127.0.0.1:3306/?user=root&password=";
    private static final String MY_COLUMNS = "id INT PRIMARY KEY, t1 TINYINT(1), tu TINYINT UNSIGNED, bu BIGINT UNSIGNED,"
            + " de DECIMAL(65,30), f FLOAT, db DOUBLE, bt BIT(12), bn BINARY(4), d DATE, dt DATETIME(6), dt0 DATETIME,"
            + " ts TIMESTAMP(3) NULL, tm TIME(6), y YEAR, e ENUM('a','b c'), s SET('x','y'), j JSON, vc VARCHAR(20)";
    private static final String MY_ROWS = "(1, 7, 255, 18446744073709551615,"
            + " 12345678901234567890.123456789012345678901234567890, 1.5, 0.1, b'101000000001', 'ab', '2024-02-29',"
            + " '2024-02-29 13:45:00.123456', '2024-02-29 13:45:00', '2024-02-29 13:45:00.123', '13:45:00.123456', 2024,"
            + " 'b c', 'x,y', '{\"a\": 0.1000, \"b\": [1, 2.5]}', 'héllo'),"
            + " (2, -128, 0, 0, -0.000000000000000000000000000001, -3.4e38, 1e-300, b'0', '', '0000-00-00',"
            + " '2024-02-00 10:00:00.500000', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '-838:59:59.000000', 1901,"
            + " 'a', '', '\"scalar\"', ''),"
            + " (3, 0, 1, 9223372036854775808, 0, 0, 0, b'111111111111', 'x', '2024-00-15', '0000-01-01 00:00:00.000001',"
            + " '9999-12-31 23:59:59', '2038-01-19 03:14:07.999', '838:59:59', 2155, 'b c', 'y',"
            + " '[1, 123456789012345678901234567890]', 'x'),"
            + " (4" + ", NULL".repeat(18) + ")";

    @BeforeAll
    static void servers() {
        Services.requireReachable(Service.ELASTICSEARCH);
        Services.requireReachable(Service.REDIS);
    }

    @Test
    void postgresTypeMatrixIndexesEveryValueInElasticsearchAndRedis() throws Exception {
        Services.requireReachable(Service.POSTGRES);
        String s = "values_tm";
        exec(PG_URL, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + s
                + "' AND NOT active", "DROP PUBLICATION IF EXISTS " + s, "DROP SCHEMA IF EXISTS " + s + " CASCADE",
                "CREATE SCHEMA " + s, "CREATE TABLE " + s + ".t (" + PG_COLUMNS + ")",
                "INSERT INTO " + s + ".t VALUES " + PG_ROWS);
        try {
            String source = "{type: postgres, url: \"jdbc:postgresql://127.0.0.1:5432/test\", user: postgres, slot: "
                    + s + ", tables: [\"" + s + "\\\\.t\"]}";
            run(s, source, () -> exec(PG_URL, "CREATE TEMP TABLE x AS SELECT * FROM " + s + ".t",
                    "UPDATE x SET id = id + 10", "INSERT INTO " + s + ".t SELECT * FROM x"));
        } finally {
            exec(PG_URL, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                    + s + "' AND NOT active", "DROP PUBLICATION IF EXISTS " + s, "DROP SCHEMA IF EXISTS " + s + " CASCADE");
        }
    }

    @Test
    void mariadbTypeMatrixIndexesEveryValueInElasticsearchAndRedis() throws Exception {
        Services.requireReachable(Service.MARIADB);
        String db = "values_tmm";
        exec(MY_URL, "DROP DATABASE IF EXISTS " + db, "CREATE DATABASE " + db,
                "CREATE TABLE " + db + ".t (" + MY_COLUMNS + ")", "INSERT INTO " + db + ".t VALUES " + MY_ROWS);
        try {
            String source = "{type: mysql, host: 127.0.0.1, port: 3306, user: root, password: \"\", database: " + db
                    + ", tables: t, server-id: 54201}";
            run(db, source, () -> exec(MY_URL, "INSERT INTO " + db + ".t SELECT id + 10, t1, tu, bu, de, f, db, bt, bn, d,"
                    + " dt, dt0, ts, tm, y, e, s, j, vc FROM " + db + ".t"));
        } finally {
            exec(MY_URL, "DROP DATABASE IF EXISTS " + db);
        }
    }

    /** What the test does to the source once the snapshot is in. */
    @FunctionalInterface
    interface Changes {
        void apply() throws Exception;
    }

    private void run(String name, String source, Changes changes) throws Exception {
        Path work = Files.createTempDirectory("type-matrix");
        request("DELETE", "/" + name + "_t_v1", null); // a leftover of an earlier run
        deleteRedis(name);
        String yaml = """
                pipeline: %1$s
                source: %2$s
                sinks:
                  - {name: rows, type: file, path: out/rows.jsonl, fsync: false}
                  - {name: es, type: elasticsearch, hosts: ["%3$s"], index: "%1$s_${name}",
                     index-settings: {number_of_replicas: 0}, on-failure: dead-letter}
                  - {name: hash, type: redis, uri: "%4$s", mode: hash, key-template: "%1$s:h:${table}:${key}",
                     metadata-prefix: "%1$s:meta:", on-failure: dead-letter}
                  - {name: json, type: redis, uri: "%4$s", mode: json, key-template: "%1$s:j:${table}:${key}",
                     metadata-prefix: "%1$s:meta:", on-failure: dead-letter}
                checkpoint: {type: file, path: state}
                engine: {checkpoint-interval: 100ms}
                """.formatted(name, source, Services.elasticsearchUrl(), Services.redisUri());
        Files.writeString(work.resolve("pipeline.yaml"), yaml);
        CdcJar cdc = CdcJar.start(work, "cdc", "run", "--status-interval", "0", "pipeline.yaml");
        Path rows = work.resolve("out/rows.jsonl");
        try {
            awaitRows(cdc, rows, 4);
            changes.apply();
            awaitRows(cdc, rows, 8);
            Thread.sleep(1500); // the other sinks flush on the same checkpoint interval
        } finally {
            cdc.process().destroy();
            cdc.waitFor(60);
        }
        try {
            Path deadLetters = work.resolve("state/dead-letter");
            List<JsonNode> rejected = new ArrayList<>();
            if (Files.exists(deadLetters)) {
                try (var files = Files.list(deadLetters)) {
                    for (Path f : files.toList()) {
                        rejected.addAll(CdcJar.jsonLines(f)); // the dead-letter sinks open their files at start
                    }
                }
            }
            assertThat(rejected).as("dead letters (rejected rows)").isEmpty();
            assertThat(cdc.stderr()).contains("es: written 8").contains("hash: written 8").contains("json: written 8");
            verify(name, CdcJar.jsonLines(rows));
        } finally {
            request("DELETE", "/" + name + "_t_v1", null);
            deleteRedis(name);
        }
    }

    private static void awaitRows(CdcJar cdc, Path rows, int count) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (CdcJar.jsonLines(rows).stream().filter(n -> !n.path("op").asText().equals("schema")).count() < count) {
            assertThat(cdc.process().isAlive()).as("cdc is running:\n%s", cdc.stderr()).isTrue();
            assertThat(System.currentTimeMillis()).as("%d rows in time:\n%s", count, cdc.stderr()).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** Every value of every row, as the cdc file sink wrote it, against Elasticsearch and Redis. */
    private void verify(String name, List<JsonNode> lines) throws Exception {
        Map<String, String> types = new HashMap<>();
        List<JsonNode> changes = new ArrayList<>();
        for (JsonNode l : lines) {
            if (l.path("op").asText().equals("schema")) {
                l.path("after").path("columns").forEach(c -> types.put(c.path("name").asText(), c.path("type").asText()));
            } else {
                changes.add(EXACT.readTree(l.toString()));
            }
        }
        String index = name + "_t";
        request("POST", "/" + index + "/_refresh", null);
        assertThat(request("GET", "/" + index + "/_count", null).path("count").asLong()).isEqualTo(changes.size());
        int checked = 0;
        try (Jedis redis = new Jedis(URI.create(Services.redisUri()))) {
            for (JsonNode change : changes) {
                JsonNode after = change.path("after");
                String id = after.path("id").asText();
                JsonNode source = EXACT.readTree(request("GET", "/" + index + "/_source/" + id, null).toString());
                Map<String, String> hash = redis.hgetAll(name + ":h:" + change.path("table").asText() + ":" + id);
                JsonNode json = EXACT.readTree(redis.get(name + ":j:" + change.path("table").asText() + ":" + id));
                for (var it = after.fields(); it.hasNext(); ) {
                    var column = it.next();
                    String field = column.getKey();
                    JsonNode value = column.getValue();
                    assertThat(source.get(field)).as("_source %s of row %s", field, id).isEqualTo(value);
                    assertThat(json.get(field)).as("Redis json %s of row %s", field, id).isEqualTo(value);
                    assertThat(sameText(hash.get(field), value)).as("Redis hash %s of row %s: %s vs %s", field, id,
                            hash.get(field), value).isTrue();
                    String query = query(field, types.getOrDefault(field, "string"), value);
                    if (query != null) {
                        JsonNode hits = request("POST", "/" + index + "/_search", "{\"_source\":false,\"query\":" + query + "}");
                        List<String> ids = new ArrayList<>();
                        hits.path("hits").path("hits").forEach(h -> ids.add(h.path("_id").asText()));
                        assertThat(ids).as("the indexed %s of row %s (%s): %s", field, id, query, hits).contains(id);
                    }
                    checked++;
                }
            }
        }
        assertThat(checked).as("values checked").isGreaterThan(8 * 15);
    }

    /** The Redis hash's text of a value: the JSON string, number (exactly), or JSON text of an array/object. */
    private static boolean sameText(String text, JsonNode value) throws IOException {
        if (value.isNull()) {
            return text == null;
        }
        if (value.isTextual()) {
            return value.asText().equals(text);
        }
        if (value.isNumber()) {
            return text != null && new BigDecimal(text).compareTo(value.decimalValue()) == 0;
        }
        return text != null && EXACT.readTree(text).equals(value);
    }

    /** A query that finds the value where the documented policy indexes it; null where nothing is indexed. */
    private static String query(String field, String type, JsonNode value) {
        if (value.isNull() || type.equals("bytes") || value.isTextual() && value.asText().length() > 256) {
            return null;
        }
        if (value.isArray()) {
            JsonNode last = null;
            for (JsonNode e : value) {
                last = e.isNull() ? last : e;
            }
            return last == null ? null : query(field, type.replaceAll("^array<(.*)>$", "$1"), last);
        }
        String text = value.isTextual() ? value.asText() : value.toString();
        String v = EXACT.getNodeFactory().textNode(text).toString();
        String base = type.replaceAll("\\(.*", "");
        switch (base) {
            case "float32", "float64" -> {
                return value.isNumber() ? term(field, v) : term(field + ".raw", v);
            }
            case "date" -> {
                return isDate(text) ? range(field, v) : term(field + ".raw", v);
            }
            case "timestamp", "timestamp_tz" -> {
                var m = ISO_TIMESTAMP.matcher(text);
                if (!m.matches() || m.group(1).length() > 4) {
                    return term(field + ".raw", v);
                }
                int year = Integer.parseInt(m.group(1));
                boolean nanos = !type.matches(".*\\([0-3]\\)");
                return !nanos || year >= 1970 && year < 2262 ? range(field, v) : range(field + ".millis", v);
            }
            case "string", "json", "other" -> {
                return term(field + ".keyword", v);
            }
            default -> {
                return term(field, v);
            }
        }
    }

    /** Whether the text is an ISO date (a zero month or day, infinity are not). */
    private static boolean isDate(String text) {
        if (!ISO_DATE.matcher(text).matches()) {
            return false;
        }
        try {
            java.time.LocalDate.parse(text);
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    private static String term(String field, String jsonValue) {
        return "{\"term\":{\"" + field + "\":" + jsonValue + "}}";
    }

    private static String range(String field, String jsonValue) {
        return "{\"range\":{\"" + field + "\":{\"gte\":" + jsonValue + ",\"lte\":" + jsonValue + "}}}";
    }

    private static JsonNode request(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(Services.elasticsearchUrl() + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        String response = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
        return response.isEmpty() ? EXACT.createObjectNode() : EXACT.readTree(response);
    }

    private static void deleteRedis(String name) {
        try (Jedis redis = new Jedis(URI.create(Services.redisUri()))) {
            for (String key : redis.keys(name + ":*")) {
                redis.del(key);
            }
        }
    }

    private static void exec(String url, String... sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
