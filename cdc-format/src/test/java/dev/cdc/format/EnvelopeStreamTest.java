package dev.cdc.format;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static dev.cdc.format.Events.COMMIT;
import static dev.cdc.format.Events.ORDERS;
import static dev.cdc.format.Events.POSITION;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one-pass reader of row changes gives exactly what the tree path gives (same values, same
 * Java classes, same event), and leaves to the tree path what it does not expect.
 */
class EnvelopeStreamTest {

    private static final TableSchema SCHEMA = new TableSchema(ORDERS, List.of(
            Column.notNull("id", DataType.int64()), Column.of("small", DataType.int16()),
            Column.of("mid", DataType.int32()), Column.of("total", DataType.decimal(30, 9)),
            Column.of("ratio", DataType.float64()), Column.of("f", DataType.float32()), Column.of("flag", DataType.bool()),
            Column.of("name", DataType.string()), Column.of("doc", DataType.json()), Column.of("raw", DataType.bytes()),
            Column.of("day", DataType.date()), Column.of("at", DataType.time(6)), Column.of("atz", DataType.time(0)),
            Column.of("local", DataType.timestamp(6)), Column.of("zoned", DataType.timestampTz(6)),
            Column.of("offset", DataType.timestampTz(0)), Column.of("uid", DataType.uuid()),
            Column.of("tags", DataType.arrayOf(DataType.string())), Column.of("nums", DataType.arrayOf(DataType.decimal(10, 2))),
            Column.of("inf", DataType.date()), Column.of("big", DataType.decimal(40, 0)),
            Column.of("nan", DataType.float64())), List.of("id"));
    private static final EnvelopeReader.Schemas KNOWN = (t, sk, v) -> Optional.of(SCHEMA);

    private static Row edgeRow(long id) {
        return Row.builder()
                .put("id", id).put("small", (short) -32768).put("mid", Integer.MIN_VALUE)
                .put("total", new BigDecimal("-12345678901234567890.123456789")).put("ratio", Double.MIN_VALUE)
                .put("f", Float.NaN).put("flag", false).put("name", "h\u00e9llo \"x\" \\ \u2028 \ud83d\ude00").put("doc", "{\"a\": 0.1000}")
                .put("raw", new byte[] {0, -1, 104, 105}).put("day", LocalDate.of(-43, 3, 15))
                .put("at", LocalTime.of(23, 59, 59, 999_999_000))
                .put("atz", OffsetTime.of(8, 0, 0, 0, ZoneOffset.ofHoursMinutes(-5, -30)))
                .put("local", LocalDateTime.of(10000, 1, 2, 13, 45, 0, 1_000))
                .put("zoned", Instant.parse("1969-12-31T23:59:59.999999Z"))
                .put("offset", OffsetDateTime.of(2026, 1, 2, 13, 45, 0, 0, ZoneOffset.ofHours(14)))
                .put("uid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))
                .put("tags", List.of("a", "", "c")).put("nums", List.of(new BigDecimal("1.50"), new BigDecimal("-0.01")))
                .put("inf", "infinity").put("big", new BigDecimal("123456789012345678901234567890123456789"))
                .put("nan", Double.NEGATIVE_INFINITY).build();
    }

    private static byte[] bytes(StreamEvent e) {
        return Events.writer(EnvelopeFormat.CDC).toBytes(e);
    }

    /** The one-pass reader read it (not the tree path), and both give the same event and value classes. */
    private static ChangeEvent assertSameAsTree(byte[] envelope, EnvelopeReader.Schemas schemas) {
        ChangeEvent fast = EnvelopeStream.read(envelope, schemas);
        assertThat(fast).as("read in one pass: %s", new String(envelope, StandardCharsets.UTF_8)).isNotNull();
        ChangeEvent tree = (ChangeEvent) EnvelopeReader.readTree(envelope, schemas);
        assertThat(bytes(fast)).isEqualTo(bytes(tree));
        assertThat(fast.position()).isEqualTo(tree.position());
        assertThat(fast.commitTime()).isEqualTo(tree.commitTime());
        assertThat(fast.headers()).isEqualTo(tree.headers());
        assertSameClasses(fast.key(), tree.key());
        assertThat(fast.before().isPresent()).isEqualTo(tree.before().isPresent());
        fast.before().ifPresent(b -> assertSameClasses(b, tree.before().orElseThrow()));
        assertThat(fast.after().isPresent()).isEqualTo(tree.after().isPresent());
        fast.after().ifPresent(a -> assertSameClasses(a, tree.after().orElseThrow()));
        return fast;
    }

    private static void assertSameClasses(Row fast, Row tree) {
        assertThat(fast.columns()).containsExactlyElementsOf(tree.columns());
        for (String c : tree.columns()) {
            Object t = tree.get(c);
            Object f = fast.get(c);
            assertThat(f == null ? null : f.getClass()).as("class of %s", c).isEqualTo(t == null ? null : t.getClass());
        }
    }

    @Test
    void everyTypeAndEdgeValueIsReadAsTheTreePathReadsIt() {
        Row after = edgeRow(Long.MIN_VALUE);
        ChangeEvent insert = ChangeEvent.insert(ORDERS, Row.of("id", Long.MIN_VALUE), after, COMMIT, POSITION)
                .withTransactionId("771").withSchemaVersion(3).withHeader("tenant", "acme");
        ChangeEvent back = assertSameAsTree(bytes(insert), KNOWN);
        assertThat(back.after().orElseThrow().get("big")).isEqualTo(after.get("big"));
        assertThat(back.after().orElseThrow().get("at")).isEqualTo(after.get("at"));
        assertThat(back.transactionId()).contains("771");
        assertThat(back.schemaVersion()).isEqualTo(3);
        assertSameAsTree(bytes(insert), EnvelopeReader.Schemas.NONE);
    }

    @Test
    void updatesDeletesTruncatesUnchangedColumnsAndRowsOfOtherShapes() {
        Row before = Row.of("id", 1L, "name", "a");
        Row after = Row.builder().put("name", "b").put("id", 1L).put("doc", Unchanged.VALUE).put("extra", 0.5).build();
        ChangeEvent update = ChangeEvent.update(ORDERS, Row.of("id", 1L), before, after, COMMIT, POSITION);
        ChangeEvent u = assertSameAsTree(bytes(update), KNOWN);
        assertThat(u.after().orElseThrow().isUnchanged("doc")).isTrue();
        assertThat(u.after().orElseThrow().get("extra")).isEqualTo(new BigDecimal("0.5"));
        assertSameAsTree(bytes(ChangeEvent.delete(ORDERS, Row.of("id", 1L), edgeRow(1), COMMIT, POSITION)), KNOWN);
        assertSameAsTree(bytes(ChangeEvent.truncate(ORDERS, COMMIT, POSITION)), KNOWN);
    }

    @Test
    void whatTheOnePassDoesNotExpectIsLeftToTheTreePath() {
        String reordered = "{\"table\":\"public.orders\",\"op\":\"c\",\"key\":{\"id\":1},\"before\":null,\"after\":{\"id\":1},"
                + "\"source\":{\"position\":{\"a\":\"1\"},\"sort_key\":\"01\",\"commit_ts\":\"2026-01-02T13:45:00Z\"}}";
        String twice = "{\"op\":\"c\",\"table\":\"public.orders\",\"key\":{\"id\":1},\"before\":null,\"after\":{\"id\":1,"
                + "\"id\":2},\"source\":{\"position\":{\"a\":\"1\"},\"sort_key\":\"01\",\"commit_ts\":\"2026-01-02T13:45:00Z\"}}";
        String numericTxid = "{\"op\":\"c\",\"table\":\"public.orders\",\"key\":{\"id\":1},\"before\":null,\"after\":{\"id\":1},"
                + "\"source\":{\"position\":{\"a\":\"1\"},\"sort_key\":\"01\",\"txid\":5,\"commit_ts\":\"2026-01-02T13:45:00Z\"}}";
        for (String doc : List.of(reordered, twice, numericTxid)) {
            assertThat(EnvelopeStream.read(doc.getBytes(StandardCharsets.UTF_8), KNOWN)).as(doc).isNull();
        }
        ChangeEvent r = (ChangeEvent) EnvelopeReader.read(reordered.getBytes(StandardCharsets.UTF_8), KNOWN);
        assertThat(r.after().orElseThrow().get("id")).isEqualTo(1L);
        assertThat(((ChangeEvent) EnvelopeReader.read(twice.getBytes(StandardCharsets.UTF_8), KNOWN)).after()
                .orElseThrow().get("id")).isEqualTo(2L);
        assertThat(EnvelopeStream.read(bytes(dev.cdc.api.event.SchemaChangeEvent.of(SCHEMA, POSITION, COMMIT)), KNOWN))
                .isNull();
    }
}
