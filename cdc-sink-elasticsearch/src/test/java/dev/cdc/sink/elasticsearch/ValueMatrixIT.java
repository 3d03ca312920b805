package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.Sink;
import dev.cdc.format.JsonValues;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import dev.cdc.testkit.fixture.TestPluginContext;
import dev.cdc.testkit.fixture.TestTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every value a source delivers, edge values and the texts no Java type holds included, is
 * indexed without a rejection: {@code _source} reads back exactly what the value codec wrote, and
 * a term or range query on the indexed field (or its {@code raw} / {@code millis} sub-field, per
 * the documented policy) finds the row. Keyless tables keep the pipeline going.
 */
class ValueMatrixIT {

    private static final TableId T = TableId.of("matrix", "vals");
    private static final Instant COMMIT = Instant.parse("2024-05-01T10:15:30Z");
    private static final TableSchema SCHEMA = new TableSchema(T, List.of(
            Column.notNull("id", DataType.int64()),
            Column.of("f32", DataType.float32()), Column.of("f64", DataType.float64()),
            Column.of("dec", DataType.decimal(38, 18)), Column.of("decu", DataType.decimal()),
            Column.of("d", DataType.date()), Column.of("t", DataType.time(6)),
            Column.of("ts3", DataType.timestamp(3)), Column.of("ts6", DataType.timestamp(6)),
            Column.of("tstz", DataType.timestampTz(6)), Column.of("j", DataType.json()),
            Column.of("b", DataType.bytes()), Column.of("u", DataType.uuid()),
            Column.of("arr", DataType.arrayOf(DataType.int32())), Column.of("s", DataType.string()),
            Column.of("big", DataType.int64())), List.of("id"));
    private static final List<String> NAMES = SCHEMA.columnNames();

    /** The rows: ordinary values, then every special a source can deliver. */
    private static final List<Object[]> ROWS = List.of(
            new Object[]{1L, 1.5f, 0.1, new BigDecimal("12345678901234567890.123456789012345678"), new BigDecimal("0.1000"),
                LocalDate.of(2024, 2, 29), LocalTime.of(13, 45, 0, 123_456_000),
                LocalDateTime.of(2024, 2, 29, 13, 45, 0, 123_000_000), LocalDateTime.of(2024, 2, 29, 13, 45, 0, 123_456_000),
                Instant.parse("2024-02-29T11:45:00.123456Z"), "{\"a\": 0.1000, \"b\": [1, 2.5]}", new byte[]{0, -1, 16},
                UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), Arrays.asList(1, null, 3), "héllo", Long.MAX_VALUE},
            new Object[]{2L, Float.NaN, Double.POSITIVE_INFINITY, new BigDecimal("-0.000000000000000001"), "NaN",
                "infinity", "24:00:00", "-infinity", LocalDateTime.of(294276, 12, 31, 23, 59, 59, 999_999_000),
                "infinity", "\"scalar\"", new byte[0], new UUID(0, 0), List.of(), "", Long.MIN_VALUE},
            new Object[]{3L, Float.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, new BigDecimal("99999999999999999999.999999999999999999"),
                "-Infinity", "0000-00-00", "-838:59:59.000000", "2024-02-00 10:00:00.000",
                LocalDateTime.of(1900, 1, 1, 0, 0, 0, 1000), "0000-00-00 00:00:00.000000",
                "[1, 123456789012345678901234567890]", null, null, null, null, 0L},
            new Object[]{4L, 3.4028235E38f, 4.9E-324, BigDecimal.ZERO, "Infinity", LocalDate.of(-43, 3, 15),
                LocalTime.MIDNIGHT, LocalDateTime.of(1970, 1, 1, 0, 0), LocalDateTime.of(2262, 4, 11, 23, 47, 16, 854_775_807),
                Instant.ofEpochSecond(0, 1000), "[1, 2.5, \"x\", {\"a\": null}, [true]]", null, null, null, null, null},
            new Object[]{5L, null, null, null, null, "-infinity", null, null, null, "-infinity", "12345678901234567890123",
                null, null, null, null, null},
            new Object[]{6L, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null});

    private TestTarget target;
    private Sink sink;
    private long sequence = 1;

    @BeforeAll
    static void elasticsearchIsUp() {
        Services.requireReachable(Service.ELASTICSEARCH);
    }

    @BeforeEach
    void open() {
        target = TestTarget.create();
    }

    @AfterEach
    void close() throws Exception {
        try {
            if (sink != null) {
                sink.close();
            }
            EsTestIndexes.deleteAll(target.name());
        } finally {
            target.deleteDirectory();
        }
    }

    private Sink openSink(Map<String, Object> extra) throws Exception {
        ElasticsearchSinkFactory f = new ElasticsearchSinkFactory();
        Map<String, Object> o = new HashMap<>(Map.of("hosts", Services.elasticsearchUrl(),
                "index", target.name() + "_${name}", "index-settings", Map.of("number_of_replicas", "0")));
        o.putAll(extra);
        Sink s = f.create(TestPluginContext.bind(f, o, target, "es"));
        s.open();
        return s;
    }

    private String index() {
        return target.name() + "_vals";
    }

    @Test
    void everyValueIsIndexedAndReadsBackExactly() throws Exception {
        sink = openSink(Map.of());
        sink.applySchemaChange(SchemaChangeEvent.of(SCHEMA, Position.ofSequence(sequence++), COMMIT));
        Row.Columns columns = Row.Columns.of(NAMES);
        List<ChangeEvent> events = new ArrayList<>();
        for (Object[] values : ROWS) {
            Row row = columns.row(values);
            events.add(ChangeEvent.insert(T, row.project(List.of("id")), row, COMMIT, Position.ofSequence(sequence++)));
        }
        sink.write(events);
        sink.flush(); // a rejected document would throw a PartialWriteException here

        EsTestIndexes.request("POST", "/" + index() + "/_refresh", null);
        for (Object[] values : ROWS) {
            long id = (Long) values[0];
            JsonNode source = EsTestIndexes.request("GET", "/" + index() + "/_source/" + id, null);
            for (int c = 1; c < NAMES.size(); c++) {
                String field = NAMES.get(c);
                assertThat(exact(source.path(field)))
                        .as("_source of %s in row %d", field, id).isEqualTo(encoded(values[c]));
                boolean indexed = values[c] != null && !field.equals("b") // binary: _source only (documented)
                        && !(values[c] instanceof List<?> l && l.isEmpty());
                if (indexed) {
                    assertThat(idsMatching(query(field, values[c])))
                            .as("the indexed %s of row %d (%s)", field, id, query(field, values[c])).containsExactly(id);
                }
            }
        }
    }

    /** The query that finds a value where the documented policy indexes it. */
    private static String query(String field, Object v) {
        if (v instanceof List<?> list) {
            return term(field, list.isEmpty() ? "__none__" : JsonValues.text(list.get(list.size() - 1)));
        }
        boolean special = v instanceof String && !field.equals("j") && !field.equals("s") && !field.startsWith("dec")
                && !field.equals("t")
                || v instanceof Float f && !Float.isFinite(f) || v instanceof Double d && !Double.isFinite(d);
        if (special) {
            return term(field + ".raw", JsonValues.text(v));
        }
        if (v instanceof LocalDateTime t && (t.getYear() < 1970 || t.getYear() > 2262)) {
            return t.getYear() > 9999 ? term(field + ".raw", JsonValues.text(v)) : range(field + ".millis", t.toString());
        }
        return switch (field) {
            case "d", "ts3", "ts6", "tstz" -> range(field, JsonValues.text(v));
            case "j", "s" -> term(field + ".keyword", JsonValues.text(v));
            default -> term(field, JsonValues.text(v));
        };
    }

    private static String term(String field, String value) {
        return "{\"term\":{\"" + field + "\":" + EsTestIndexes.MAPPER.valueToTree(value) + "}}";
    }

    private static String range(String field, String value) {
        String v = EsTestIndexes.MAPPER.valueToTree(value).toString();
        return "{\"range\":{\"" + field + "\":{\"gte\":" + v + ",\"lte\":" + v + "}}}";
    }

    private List<Long> idsMatching(String query) throws Exception {
        JsonNode r = EsTestIndexes.request("POST", "/" + index() + "/_search?size=100",
                "{\"_source\":false,\"query\":" + query + "}");
        assertThat(r.has("error")).as("query %s: %s", query, r).isFalse();
        List<Long> ids = new ArrayList<>();
        r.path("hits").path("hits").forEach(h -> ids.add(Long.parseLong(h.path("_id").asText())));
        return ids;
    }

    /** What the value codec writes for a value, read with exact numbers. */
    private static JsonNode encoded(Object v) throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        try (var g = EsJson.MAPPER.getFactory().createGenerator(out)) {
            JsonValues.EXACT.writeValue(g, v);
        }
        return EsJson.MAPPER.readTree(out.toString());
    }

    private static JsonNode exact(JsonNode plain) throws Exception {
        return EsJson.MAPPER.readTree(plain.isMissingNode() ? "null" : EsTestIndexes.MAPPER.writeValueAsString(plain));
    }

    @Test
    void keylessTablesAreIndexedByHashOrSkippedButNeverStopTheLane() throws Exception {
        TableId history = TableId.of("matrix", "history");
        TableSchema keyless = new TableSchema(history, List.of(Column.of("aid", DataType.int32()),
                Column.of("delta", DataType.int32()), Column.of("mtime", DataType.timestamp(6))), List.of());
        Row a = Row.of("aid", 1, "delta", 5, "mtime", LocalDateTime.of(2024, 1, 1, 0, 0, 0, 1000));
        Row b = Row.of("aid", 2, "delta", -3, "mtime", LocalDateTime.of(2024, 1, 1, 0, 0, 0, 2000));
        sink = openSink(Map.of());
        sink.applySchemaChange(SchemaChangeEvent.of(keyless, Position.ofSequence(sequence++), COMMIT));
        List<ChangeEvent> inserts = List.of(
                ChangeEvent.insert(history, Row.empty(), a, COMMIT, Position.ofSequence(sequence++)),
                ChangeEvent.insert(history, Row.empty(), b, COMMIT, Position.ofSequence(sequence++)));
        sink.write(inserts);
        sink.flush();
        sink.write(inserts); // a replay: the same documents, not two more
        sink.flush();
        String historyIndex = target.name() + "_history";
        assertThat(EsTestIndexes.count(historyIndex)).isEqualTo(2);
        // a delete with its before row (MySQL, or PostgreSQL REPLICA IDENTITY FULL) finds its document
        sink.write(List.of(ChangeEvent.delete(history, Row.empty(), a, COMMIT, Position.ofSequence(sequence++))));
        sink.flush();
        assertThat(EsTestIndexes.rows(historyIndex)).extracting(r -> r.get("aid")).containsExactly(2L);
        sink.close();

        sink = openSink(Map.of("keyless-tables", "skip"));
        TableId other = TableId.of("matrix", "other");
        sink.write(List.of(ChangeEvent.insert(other, Row.empty(), a, COMMIT, Position.ofSequence(sequence++))));
        sink.flush();
        assertThat(((ElasticsearchSink) sink).keylessSkipped()).isEqualTo(1);
        assertThat(EsTestIndexes.count(target.name() + "_other")).isZero();
    }

    @Test
    void scaledFloatIsRefusedAtStartWhereTheClusterLacksIt() throws Exception {
        JsonNode modules = EsTestIndexes.request("GET", "/_nodes/plugins?filter_path=nodes.*.modules.name", null);
        boolean hasMapperExtras = modules.toString().contains("mapper-extras");
        ElasticsearchSinkFactory f = new ElasticsearchSinkFactory();
        Sink s = f.create(TestPluginContext.bind(f, Map.of("hosts", Services.elasticsearchUrl(),
                "decimal-mapping", "scaled-float"), target, "es"));
        try {
            if (hasMapperExtras) {
                s.open(); // the cluster has it: the sink opens
            } else {
                assertThat(org.assertj.core.api.Assertions.catchThrowable(s::open)).hasMessageContaining("mapper-extras")
                        .hasMessageContaining("decimal-mapping");
            }
        } finally {
            s.close();
        }
    }

}
