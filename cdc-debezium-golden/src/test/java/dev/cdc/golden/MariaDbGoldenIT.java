package dev.cdc.golden;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real Debezium 3.0.8 MySQL connector (which reads MariaDB) and cdc's {@code debezium} format
 * read the same snapshot and binlog changes of a type-matrix table on real MariaDB 10.11 (every
 * type, edge values, zero dates, TINYINT(1) 7, BIT(n), unsigned BIGINT beyond 2^63, a key change, a
 * delete, an ALTER TABLE, a keyless table); every record must be equal field by field, in
 * Debezium's default modes, with {@code decimal.handling.mode=string}, and with
 * {@code schemas.enable}, apart from the documented deliberate differences.
 */
class MariaDbGoldenIT extends GoldenTest {

    private static final String URL = "jdbc:mysql://127.0.0.1:3306/?user=root&password=&allowPublicKeyRetrieval=true"
            + "&useSSL=false";
    private static final String DB = "golden_my";

    private static final String COLUMNS = "id INT PRIMARY KEY, c_tiny TINYINT, c_tiny1 TINYINT(1), c_utiny TINYINT UNSIGNED,"
            + " c_small SMALLINT, c_usmall SMALLINT UNSIGNED, c_medium MEDIUMINT, c_umedium MEDIUMINT UNSIGNED, c_int INT,"
            + " c_uint INT UNSIGNED, c_big BIGINT, c_ubig BIGINT UNSIGNED, c_dec DECIMAL(10,2), c_dec65 DECIMAL(65,30),"
            + " c_float FLOAT, c_double DOUBLE, c_bit1 BIT(1), c_bit12 BIT(12), c_bit64 BIT(64), c_char CHAR(5),"
            + " c_varchar VARCHAR(20), c_text TEXT, c_binary BINARY(4), c_varbinary VARBINARY(10), c_blob BLOB,"
            + " c_date DATE, c_dt DATETIME, c_dt3 DATETIME(3), c_dt6 DATETIME(6), c_ts TIMESTAMP NULL,"
            + " c_ts6 TIMESTAMP(6) NULL, c_time TIME, c_time6 TIME(6), c_year YEAR, c_enum ENUM('a','b c'),"
            + " c_set SET('x','y','z'), c_json JSON, c_point POINT";

    private static final String ROWS = "(1, -128, 7, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295,"
            + " -9223372036854775808, 18446744073709551615, 12.50, 12345678901234567890.123456789012345678901234567890,"
            + " 1.5, 0.1, b'1', b'101000000001', b'1000000000000000000000000000000000000000000000000000000000000001',"
            + " 'ab', 'héllo', 'text', 'ab', x'00ff10', x'0102', '2024-02-29', '2024-02-29 13:45:00',"
            + " '2024-02-29 13:45:00.123', '2024-02-29 13:45:00.123456', '2024-02-29 13:45:00', '2024-02-29 13:45:00.123456',"
            + " '13:45:00', '-838:59:59.000000', 2024, 'b c', 'x,z', '{\"a\": 0.1000, \"b\": [1, 2.5]}', POINT(1.5, 2.5)),"
            + " (2, 127, -1, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 9223372036854775808, -0.01,"
            + " -0.000000000000000000000000000001, -3.4e38, 1e-300, b'0', b'000000000000', b'0', '', '', '', '', '', '',"
            + " '9999-12-31', '1000-01-01 00:00:00', '9999-12-31 23:59:59.999', '1970-01-01 00:00:00.000000',"
            + " '2038-01-19 03:14:07', '1970-01-01 00:00:01.000001', '00:00:00', '-00:00:00.000001', 1901, 'a', '',"
            + " '[1, 123456789012345678901234567890]', POINT(0, 0)),"
            + " (3" + ", NULL".repeat(37) + "),"
            + " (4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, b'1', b'111111111111', b'0', 'x', 'x', 'x', 'x', 'x', 'x',"
            + " '0000-00-00', '0000-00-00 00:00:00', '2024-02-00 10:00:00.000', '0000-01-01 00:00:00.000001',"
            + " '0000-00-00 00:00:00', NULL, '838:59:59', '23:59:59.999999', 2155, 'b c', 'x,y,z', '\"scalar\"', POINT(-1, -2))";

    static final List<GoldenDiff.Rule> RULES = List.of(
            GoldenDiff.Rule.of("ts_ms", "[a-z-]:value(\\.payload)?\\.ts_(ms|us|ns)"),
            GoldenDiff.Rule.of("snapshot source", "r:value(\\.payload)?\\.source\\.(ts_ms|ts_us|ts_ns)"),
            GoldenDiff.Rule.of("snapshot marks", "r:value(\\.payload)?\\.source\\.snapshot"),
            GoldenDiff.Rule.of("year 0000", "[rc]:value(\\.payload)?\\.after\\.c_dt6", "978307200000001|null"),
            GoldenDiff.Rule.of("schema change position", "-:value(\\.payload)?\\.source\\.(pos|ts_ms|ts_us|ts_ns)"),
            GoldenDiff.Rule.of("schema history details",
                    "-:value(\\.payload)?\\.tableChanges\\[0\\]\\.table\\.(defaultCharsetName|columns\\[\\d+\\]\\.charsetName)"),
            GoldenDiff.Rule.of("schema history details",
                    "-:value(\\.payload)?\\.tableChanges\\[0\\]\\.table\\.columns\\[\\d+\\]\\.length", "null"));

    @BeforeAll
    static void tables() throws Exception {
        Services.requireReachable(Service.MARIADB);
        cleanUp();
        exec(URL, "CREATE DATABASE " + DB, "CREATE TABLE " + DB + ".t (" + COLUMNS + ")",
                "CREATE TABLE " + DB + ".h (aid INT, delta INT, mtime DATETIME(6))",
                "INSERT INTO " + DB + ".t VALUES " + ROWS,
                "INSERT INTO " + DB + ".h VALUES (1, 5, '2024-01-01 00:00:00.000001')");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        exec(URL, "DROP DATABASE IF EXISTS " + DB);
    }

    private static Map<String, String> debezium(String prefix, int serverId, Map<String, String> extra) {
        Map<String, String> p = new HashMap<>(Map.of(
                "connector.class", "io.debezium.connector.mysql.MySqlConnector",
                "database.hostname", "127.0.0.1", "database.port", "3306", "database.user", "root",
                "database.password", "", "database.server.id", Integer.toString(serverId), "topic.prefix", prefix,
                "database.include.list", DB, "table.include.list", DB + ".t," + DB + ".h"));
        p.put("snapshot.mode", "initial");
        p.putAll(extra);
        return p;
    }

    @Test
    void everyRecordEqualsDebeziumsFieldByField() throws Exception {
        Path work = Files.createTempDirectory("golden-maria");
        String yaml = """
                pipeline: golden
                source: {type: mysql, host: 127.0.0.1, port: 3306, user: root, password: "", database: %1$s,
                         tables: "t|h", server-id: 54103, setup: manual}
                """.formatted(DB) + SINKS; // no watermark table created at start: its DDL and binlog bytes
                                           // would differ from Debezium's run (no backfill here needs it)
        try (DebeziumRun dbz = DebeziumRun.start(debezium(PREFIX, 54101, Map.of()));
             DebeziumRun dbzStrings = DebeziumRun.start(debezium(PREFIX + "s", 54102,
                     Map.of("decimal.handling.mode", "string")));
             CdcRun cdc = CdcRun.start(work, yaml)) {
            await("both snapshots", () -> rows(dbz.records()) >= 5 && rows(dbzStrings.records()) >= 5
                    && rows(records(cdc, "default")) >= 5, Duration.ofSeconds(90),
                    () -> "Debezium " + dbz.records().size() + ", cdc " + records(cdc, "default").size() + "\n"
                            + stderr(cdc));
            String columns = Arrays.stream(COLUMNS.split(",(?![^(]*\\))")).map(c -> c.trim().split(" ")[0])
                    .filter(c -> !c.equals("id")).collect(Collectors.joining(", "));
            exec(URL, "INSERT INTO " + DB + ".t SELECT id + 10, " + columns + " FROM " + DB + ".t WHERE id <= 4",
                    "UPDATE " + DB + ".t SET c_varchar = 'changed', c_dec = 1.10 WHERE id = 1",
                    "UPDATE " + DB + ".t SET id = 21 WHERE id = 11",
                    "DELETE FROM " + DB + ".t WHERE id = 3",
                    "ALTER TABLE " + DB + ".t ADD COLUMN c_new INT DEFAULT 5",
                    "INSERT INTO " + DB + ".t (id) VALUES (5)",
                    "INSERT INTO " + DB + ".h VALUES (2, -3, '2024-01-01 00:00:00.000002')",
                    "UPDATE " + DB + ".h SET delta = 7 WHERE aid = 2",
                    "DELETE FROM " + DB + ".h WHERE aid = 1");
            List<DebeziumRun.Record> expected = settled(dbz::records, Duration.ofSeconds(3), Duration.ofSeconds(60));
            await("cdc's records", () -> rows(records(cdc, "default")) >= rows(expected), Duration.ofSeconds(60),
                    () -> "Debezium " + rows(expected) + " rows, cdc " + rows(records(cdc, "default")) + "\n"
                            + stderr(cdc));
            List<DebeziumRun.Record> strings = settled(dbzStrings::records, Duration.ofSeconds(1), Duration.ofSeconds(30));
            await("cdc's other sinks", () -> rows(records(cdc, "strings")) >= rows(strings)
                    && rows(records(cdc, "schemas")) >= rows(expected), Duration.ofSeconds(30), () -> "");

            GoldenDiff.Result result = new GoldenDiff.Result();
            compare("default", expected, records(cdc, "default"), false, result);
            compare("strings", strings, records(cdc, "strings"), false, result);
            compare("schemas", expected, records(cdc, "schemas"), true, result);
            System.out.println("MariaDB golden comparison: " + result);
            assertThat(result.records).as("records compared").isGreaterThanOrEqualTo(3 * 15);
            assertThat(result.unexplained).as(result.toString()).isEmpty();
        }
        documented(RULES);
    }

    /** Row records (not the schema-change topic). */
    private static long rows(List<DebeziumRun.Record> records) {
        return records.stream().filter(r -> !r.topic().equals(PREFIX) && !r.topic().equals(PREFIX + "s")).count();
    }

    /**
     * Compares row topics record by record, and the schema-change topic's records written while
     * streaming (the snapshot's schema history is a documented difference).
     */
    private static void compare(String label, List<DebeziumRun.Record> debezium, List<DebeziumRun.Record> cdc,
                                boolean full, GoldenDiff.Result result) {
        for (String topic : GoldenDiff.topics(debezium)) {
            List<DebeziumRun.Record> d = GoldenDiff.topic(debezium, topic);
            List<DebeziumRun.Record> c = GoldenDiff.topic(cdc, topic);
            if (topic.equals(PREFIX) || topic.equals(PREFIX + "s")) {
                d = streamed(d, full);
                c = streamed(c, full);
            }
            GoldenDiff.compare(label, d, c, full, RULES, result);
        }
    }

    private static List<DebeziumRun.Record> streamed(List<DebeziumRun.Record> schemaChanges, boolean full) {
        return schemaChanges.stream().filter(r -> {
            JsonNode v = GoldenDiff.parse(full ? r.fullValue() : r.value());
            JsonNode payload = v.has("payload") && v.has("schema") ? v.get("payload") : v;
            // Debezium's history holds every database's DDL; the captured one's, while streaming, is compared
            return "false".equals(payload.path("source").path("snapshot").asText())
                    && DB.equals(payload.path("databaseName").asText());
        }).toList();
    }
}
