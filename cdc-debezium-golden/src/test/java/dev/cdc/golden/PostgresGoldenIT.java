package dev.cdc.golden;

import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real Debezium 3.0.8 PostgreSQL connector and cdc's {@code debezium} format read the same
 * snapshot and the same changes of a type-matrix table (every mapped type, edge values, infinity,
 * 24:00, NaN, TOASTed columns left unchanged, a key change, a delete, a logical message, a keyless
 * table, a truncate) on real PostgreSQL over pgoutput, each through its own slot and publication;
 * every record must be equal field by field, in Debezium's default modes, with
 * {@code decimal.handling.mode=string}, and with {@code schemas.enable}, apart from the documented
 * deliberate differences.
 */
class PostgresGoldenIT extends GoldenTest {

    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final String S = "golden_pg";

    private static final String COLUMNS = "id int PRIMARY KEY, c_smallint smallint, c_int int, c_bigint bigint,"
            + " c_real real, c_double double precision, c_num numeric, c_num38 numeric(38,18), c_num102 numeric(10,2),"
            + " c_money money, c_bool boolean, c_text text, c_varchar varchar(20), c_char char(5), c_bytea bytea,"
            + " c_date date, c_time time, c_time3 time(3), c_timetz timetz, c_ts timestamp, c_ts3 timestamp(3),"
            + " c_ts0 timestamp(0), c_tstz timestamptz, c_tstz3 timestamptz(3), c_interval interval, c_uuid uuid,"
            + " c_json json, c_jsonb jsonb, c_intarr int[], c_textarr text[], c_point point, c_hstore hstore,"
            + " c_inet inet, c_bit1 bit(1), c_bit12 bit(12), c_varbit varbit(20), c_xml xml, c_enum " + S + ".mood,"
            + " c_int4range int4range, c_tsvector tsvector, c_cidr cidr, c_macaddr macaddr, c_oid oid,"
            + " c_big text, c_bigbytes bytea, c_bigarr int[]";

    /** Snapshot rows: ordinary values, the specials, all NULL, more specials (streamed again as ids + 10). */
    private static final String ROWS = "(1, -32768, -2147483648, -9223372036854775808, 1.5, 0.1,"
            + " 12345678901234567890.123456789, 1.000000000000000001, 12.50, 1234.56, true, 'héllo', 'v', 'ab',"
            + " '\\x00ff10', '2024-02-29', '13:45:00.123456', '13:45:00.123', '08:00:00+05:30',"
            + " '2024-02-29 13:45:00.123456', '2024-02-29 13:45:00.123', '2024-02-29 13:45:01',"
            + " '2024-02-29 13:45:00.123456+02', '2024-02-29 13:45:00.123+02', '1 year 2 mons 3 days 04:05:06.789',"
            + " '123e4567-e89b-12d3-a456-426614174000', '{\"a\": 0.1000, \"b\": [1, 2.5]}', '{\"a\": 0.1000}',"
            + " '{1,2,NULL}', '{\"a\",\"b c\"}', '(1.5,2.5)', 'a=>1, b=>NULL', '192.168.0.1/24', B'1',"
            + " B'101000000001', B'101', '<a>1</a>', 'happy', '[1,5)', 'fat cat', '10.0.0.0/8', '08:00:2b:01:02:03', 42,"
            + " (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 2000) g),"
            + " (SELECT decode(string_agg(md5(g::text), ''), 'hex') FROM generate_series(1, 2000) g),"
            + " (SELECT array_agg(g) FROM generate_series(1, 3000) g)),"
            + " (2, 32767, 2147483647, 9223372036854775807, 'NaN', '-Infinity', 'NaN',"
            + " 99999999999999999999.999999999999999999, -0.01, -5.5, false, '', '', '', '', 'infinity', '24:00:00',"
            + " '23:59:59.999', '23:59:59.999999-12', '-infinity', 'infinity', '1900-01-01 00:00:00', 'infinity',"
            + " '-infinity', '-1 days +00:00:00.000001', '00000000-0000-0000-0000-000000000000',"
            + " '[1, 123456789012345678901234567890]', '\"scalar\"', '{}', '{}', '(0,0)', '', '::1', B'0',"
            + " B'000000000000', B'', '<x/>', 'sad', 'empty', '', '::/0', '00:00:00:00:00:00', 0, 'x', '\\x', '{}'),"
            + " (3" + ", NULL".repeat(45) + "),"
            + " (4, 0, 0, 0, '-0.5', 1e-300, '-Infinity', 0, 0, 0, true, 'x', 'x', 'x', '\\x01', '-infinity', '00:00:00',"
            + " '00:00:00', '00:00:00+00', 'infinity', '-infinity', '1970-01-01 00:00:00', '-infinity', 'infinity',"
            + " '0', '11111111-2222-3333-4444-555555555555', 'null', '[]', '{{1,2},{3,4}}', '{\"\"}', '(-1,-2)',"
            + " '\"k\"=>\"v\"', '10.1.2.3', B'1', B'111111111111', B'11111111111111111111', '<y/>', 'happy', '(,)', '',"
            + " '::ffff:1.2.3.4/128', 'ff:ff:ff:ff:ff:ff', 4294967295, 'y', '\\x02', '{1}')";

    /** The documented deliberate differences (docs/envelope.md lists each name with its reason). */
    static final List<GoldenDiff.Rule> RULES = List.of(
            // wall clocks and per-run facts: when each system wrote the record, and each one's own snapshot
            GoldenDiff.Rule.of("ts_ms", "[a-z-]:value(\\.payload)?\\.ts_(ms|us|ns)"),
            GoldenDiff.Rule.of("snapshot source", "r:value(\\.payload)?\\.source\\.(ts_ms|ts_us|ts_ns|txId|lsn|sequence)"),
            GoldenDiff.Rule.of("snapshot marks", "r:value(\\.payload)?\\.source\\.snapshot"),
            GoldenDiff.Rule.of("enum labels", "[a-z-]:value\\.schema\\.fields\\[[01]\\]\\.fields\\[\\d+\\]\\.(name|version|parameters)",
                    "\"io\\.debezium\\.data\\.Enum\"|1|\\{\"allowed\".*"));

    @BeforeAll
    static void tables() throws Exception {
        Services.requireReachable(Service.POSTGRES);
        cleanUp();
        exec(URL, "CREATE EXTENSION IF NOT EXISTS hstore", "CREATE SCHEMA " + S,
                "CREATE TYPE " + S + ".mood AS ENUM ('sad', 'happy')",
                "CREATE TABLE " + S + ".t (" + COLUMNS + ")",
                "CREATE TABLE " + S + ".h (aid int, delta int, mtime timestamp)",
                "INSERT INTO " + S + ".t VALUES " + ROWS,
                "INSERT INTO " + S + ".h VALUES (1, 5, '2024-01-01 00:00:00.000001')");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        exec(URL, "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name LIKE '" + S
                        + "%' AND active_pid IS NOT NULL",
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE '" + S + "%'"
                        + " AND NOT active",
                "DROP PUBLICATION IF EXISTS " + S + "_dbz", "DROP PUBLICATION IF EXISTS " + S + "_dbzs",
                "DROP PUBLICATION IF EXISTS " + S + "_cdc", "DROP SCHEMA IF EXISTS " + S + " CASCADE");
    }

    /** One engine per topic prefix: two engines of one name in a JVM share (and break) their metrics. */
    private static Map<String, String> debezium(String slot, String prefix, Map<String, String> extra) {
        Map<String, String> p = new java.util.HashMap<>(Map.of(
                "connector.class", "io.debezium.connector.postgresql.PostgresConnector",
                "database.hostname", "127.0.0.1", "database.port", "5432", "database.user", "postgres",
                "database.password", "", "database.dbname", "test", "topic.prefix", prefix,
                "plugin.name", "pgoutput", "slot.name", slot, "publication.name", slot));
        p.putAll(Map.of("publication.autocreate.mode", "filtered", "table.include.list", S + ".t," + S + ".h",
                "snapshot.mode", "initial", "slot.drop.on.stop", "true"));
        p.putAll(extra);
        return p;
    }

    @Test
    void everyRecordEqualsDebeziumsFieldByField() throws Exception {
        Path work = Files.createTempDirectory("golden-pg");
        String yaml = """
                pipeline: golden
                source: {type: postgres, url: "jdbc:postgresql://127.0.0.1:5432/test", user: postgres,
                         slot: %1$s_cdc, publication: %1$s_cdc, tables: ["%1$s\\\\.t", "%1$s\\\\.h"], messages: true}
                """.formatted(S) + SINKS;
        try (DebeziumRun dbz = DebeziumRun.start(debezium(S + "_dbz", PREFIX, Map.of()));
             DebeziumRun dbzStrings = DebeziumRun.start(debezium(S + "_dbzs", PREFIX + "s",
                     Map.of("decimal.handling.mode", "string")));
             CdcRun cdc = CdcRun.start(work, yaml)) {
            int snapshot = 5; // 4 rows of t, 1 of h
            await("both snapshots", () -> dbz.records().size() >= snapshot && dbzStrings.records().size() >= snapshot
                    && records(cdc, "default").size() >= snapshot, Duration.ofSeconds(90),
                    () -> "Debezium " + dbz.records().size() + ", Debezium (string) " + dbzStrings.records().size()
                            + ", cdc " + records(cdc, "default").size() + "\n" + stderr(cdc));
            exec(URL, "CREATE TEMP TABLE x AS SELECT * FROM " + S + ".t WHERE id <= 4",
                    "UPDATE x SET id = id + 10", "INSERT INTO " + S + ".t SELECT * FROM x",
                    "UPDATE " + S + ".t SET c_text = 'changed', c_num = 1.10 WHERE id = 1",
                    "UPDATE " + S + ".t SET id = 21 WHERE id = 11",
                    "DELETE FROM " + S + ".t WHERE id = 3",
                    "SELECT pg_logical_emit_message(true, 'golden', 'hello')",
                    "INSERT INTO " + S + ".h VALUES (2, -3, '2024-01-01 00:00:00.000002'), (3, 0, NULL)",
                    "TRUNCATE " + S + ".h");
            List<DebeziumRun.Record> expected = settled(dbz::records, Duration.ofSeconds(3), Duration.ofSeconds(60));
            await("cdc's records", () -> records(cdc, "default").size() >= expected.size(), Duration.ofSeconds(60),
                    () -> "Debezium " + expected.size() + ", cdc " + records(cdc, "default").size() + "\n" + stderr(cdc));
            List<DebeziumRun.Record> strings = settled(dbzStrings::records, Duration.ofSeconds(1), Duration.ofSeconds(30));
            await("cdc's string-mode records", () -> records(cdc, "strings").size() >= strings.size()
                    && records(cdc, "schemas").size() >= expected.size(), Duration.ofSeconds(30), () -> "");

            GoldenDiff.Result result = new GoldenDiff.Result();
            compareByTopic("default", expected, records(cdc, "default"), false, result);
            compareByTopic("strings", strings, records(cdc, "strings"), false, result);
            compareByTopic("schemas", expected, records(cdc, "schemas"), true, result);
            System.out.println("PostgreSQL golden comparison: " + result);
            assertThat(result.records).as("records compared").isGreaterThanOrEqualTo(3 * 15);
            assertThat(result.unexplained).as(result.toString()).isEmpty();
        }
        documented(RULES);
    }

    private static void compareByTopic(String label, List<DebeziumRun.Record> debezium, List<DebeziumRun.Record> cdc,
                                       boolean full, GoldenDiff.Result result) {
        assertThat(GoldenDiff.topics(cdc)).as(label + ": topics").containsExactlyInAnyOrderElementsOf(GoldenDiff.topics(debezium));
        for (String topic : GoldenDiff.topics(debezium)) {
            GoldenDiff.compare(label, GoldenDiff.topic(debezium, topic), GoldenDiff.topic(cdc, topic), full, RULES, result);
        }
    }
}
