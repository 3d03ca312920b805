package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.Sink;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import dev.cdc.testkit.fixture.TestPluginContext;
import dev.cdc.testkit.fixture.TestTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The engine re-applies a schema change after a crash between the sink applying it and the engine
 * saving the sink's accepted schema, and may replay rows of the old shape after it: applying a
 * change again (same sink, or a new one after a restart) must leave one index version, the same
 * mapping and every document; a reindex that fails or is killed half way must end right when
 * applied again; replayed old-shape rows must not wedge the pipeline.
 */
class SchemaIdempotencyIT {

    private static final TableId ITEMS = TableId.of("shop", "items");
    /** The items table: id bigint (the key), qty int. */
    private static final TableSchema ITEMS_V1 = new TableSchema(ITEMS, List.of(Column.notNull("id", DataType.int64()),
            Column.of("qty", DataType.int32())), List.of("id"));
    private static final Instant T = Instant.parse("2024-05-01T10:15:30Z");

    private TestTarget target;
    private final List<Sink> sinks = new ArrayList<>();
    private long sequence = 1;

    @BeforeAll
    static void elasticsearchIsUp() {
        Services.requireReachable(Service.ELASTICSEARCH);
    }

    @BeforeEach
    void create() {
        target = TestTarget.create();
    }

    @AfterEach
    void close() throws Exception {
        try {
            for (Sink s : sinks) {
                s.close();
            }
            EsTestIndexes.deleteAll(prefix());
        } finally {
            target.deleteDirectory();
        }
    }

    private String prefix() {
        return "esretype_" + target.name();
    }

    private String alias() {
        return prefix() + "_items";
    }

    /** A new sink instance, as after a restart. */
    private ElasticsearchSink openSink() throws Exception {
        ElasticsearchSinkFactory f = new ElasticsearchSinkFactory();
        Sink sink = f.create(TestPluginContext.bind(f, Map.of("hosts", Services.elasticsearchUrl(),
                "index", prefix() + "_${name}", "index-settings", Map.of("number_of_replicas", "0")), target, "es"));
        sink.open();
        sinks.add(sink);
        return (ElasticsearchSink) sink;
    }

    private SchemaChangeEvent change(TableSchema before, TableSchema after, SchemaChange c) {
        return new SchemaChangeEvent(ITEMS, Optional.ofNullable(before), Optional.ofNullable(after), List.of(c),
                Optional.empty(), Position.ofSequence(sequence++), T);
    }

    private ChangeEvent upsert(Row row) {
        return ChangeEvent.insert(ITEMS, row.project(List.of("id")), row, T, Position.ofSequence(sequence++));
    }

    private ChangeEvent delete(long id) {
        Row key = Row.of("id", id);
        return ChangeEvent.delete(ITEMS, key, key, T, Position.ofSequence(sequence++));
    }

    /** Creates {@link #ITEMS_V1} through the sink and writes rows 1 to 25 ({@code qty = id}); returns their events. */
    private List<ChangeEvent> itemsWith25Rows(ElasticsearchSink sink) throws Exception {
        sink.applySchemaChange(change(null, ITEMS_V1, new SchemaChange.CreateTable(ITEMS_V1)));
        List<ChangeEvent> rows = new ArrayList<>();
        for (long i = 1; i <= 25; i++) {
            rows.add(upsert(Row.of("id", i, "qty", (int) i)));
        }
        writeAndFlush(sink, rows);
        return rows;
    }

    private static void writeAndFlush(Sink sink, List<ChangeEvent> events) throws Exception {
        sink.write(events);
        sink.flush();
    }

    private static TableSchema retype(TableSchema s, String column, DataType type) {
        return s.withColumns(s.columns().stream().map(c -> c.name().equals(column) ? c.withType(type) : c).toList());
    }

    /** Every index whose name starts with the test's prefix, with its aliases. */
    private Map<String, List<String>> indexes() throws Exception {
        JsonNode r = EsTestIndexes.request("GET", "/" + prefix() + "*/_alias", null);
        Map<String, List<String>> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<String> aliases = new ArrayList<>();
            e.getValue().path("aliases").fieldNames().forEachRemaining(aliases::add);
            out.put(e.getKey(), aliases);
        }
        return out;
    }

    private String type(String field) throws Exception {
        return EsTestIndexes.fieldMapping(alias(), field).path("type").asText();
    }

    /** The stored documents by id, each as its source row. */
    private Map<Long, Row> documents() throws Exception {
        Map<Long, Row> out = new TreeMap<>();
        for (Row r : EsTestIndexes.rows(alias())) {
            out.put((Long) r.get("id"), r);
        }
        return out;
    }

    private void assertOneVersion(int version) throws Exception {
        assertThat(indexes()).containsExactly(Map.entry(alias() + "_v" + version, List.of(alias())));
    }

    @Test
    void everySupportedChangeAppliedThreeTimesAndAgainAfterARestartLeavesOneIndexAndEveryDocument() throws Exception {
        ElasticsearchSink sink = openSink();
        TableSchema v1 = new TableSchema(ITEMS, List.of(Column.notNull("id", DataType.int64()),
                Column.of("qty", DataType.int32()), Column.of("code", DataType.int32()),
                Column.of("born", DataType.int32()), Column.of("gone", DataType.string())), List.of("id"));
        List<SchemaChangeEvent> changes = new ArrayList<>();
        changes.add(change(null, v1, new SchemaChange.CreateTable(v1)));
        Column note = Column.of("note", DataType.string());
        List<Column> withNote = new ArrayList<>(v1.columns());
        withNote.add(note);
        TableSchema v2 = v1.withColumns(withNote);
        changes.add(change(v1, v2, new SchemaChange.AddColumn(note, Optional.of("gone"))));
        TableSchema v3 = v2.withColumns(v2.columns().stream().filter(c -> !c.name().equals("gone")).toList());
        changes.add(change(v2, v3, new SchemaChange.DropColumn("gone")));
        TableSchema v4 = retype(v3, "qty", DataType.int64());
        changes.add(change(v3, v4, new SchemaChange.AlterColumnType("qty", DataType.int32(), DataType.int64())));
        TableSchema v5 = retype(v4, "code", DataType.string());
        changes.add(change(v4, v5, new SchemaChange.AlterColumnType("code", DataType.int32(), DataType.string())));
        TableSchema v6 = retype(v5, "born", DataType.date());
        changes.add(change(v5, v6, new SchemaChange.AlterColumnType("born", DataType.int32(), DataType.date())));
        SchemaChangeEvent dropTable = change(v6, null, new SchemaChange.DropTable(ITEMS));

        Map<Long, Row> expected = new TreeMap<>();
        int[] versionAfter = {1, 1, 1, 2, 3, 4};
        String[][] mappingAfter = {{"qty", "integer"}, {"note", "text"}, {"gone", "text"}, {"qty", "long"},
                {"code", "text"}, {"born", "date"}};
        long id = 1;
        for (int c = 0; c < changes.size(); c++) {
            for (int times = 0; times < 3; times++) {
                sink.applySchemaChange(changes.get(c));
                sink.flush();
                assertOneVersion(versionAfter[c]);
                assertThat(type(mappingAfter[c][0])).as("after %s, %d time(s)", changes.get(c).changes(), times + 1)
                        .isEqualTo(mappingAfter[c][1]);
                assertThat(documents()).isEqualTo(expected);
            }
            // rows of the new shape (born stays null until it is a date: stored ints would not fit a date)
            List<ChangeEvent> rows = new ArrayList<>();
            for (int i = 0; i < 5; i++, id++) {
                Row.Builder b = Row.builder().put("id", id).put("qty", c >= 3 ? 5_000_000_000L + id : (Object) (int) id)
                        .put("code", c >= 4 ? "c" + id : (Object) (int) (100 + id))
                        .put("born", c >= 5 ? LocalDate.of(2000, 1, 1).plusDays(id) : null);
                if (c >= 1) {
                    b.put("note", "n" + id);
                }
                if (c < 2) {
                    b.put("gone", "g" + id);
                }
                Row row = b.build();
                rows.add(upsert(row));
                expected.put(id, EsTestIndexes.toRow(EsTestIndexes.MAPPER.valueToTree(
                        EsTestIndexes.MAPPER.readTree(EsJson.MAPPER.writeValueAsString(asJson(row))))));
            }
            writeAndFlush(sink, rows);
            assertThat(documents()).isEqualTo(expected);
        }

        // a restart after each change (the accepted schema was not saved): a new sink applies it again
        for (SchemaChangeEvent c : changes) {
            ElasticsearchSink restarted = openSink();
            restarted.applySchemaChange(c);
            restarted.flush();
        }
        assertOneVersion(4);
        assertThat(type("qty")).isEqualTo("long");
        assertThat(type("code")).isEqualTo("text");
        assertThat(type("born")).isEqualTo("date");
        assertThat(documents()).isEqualTo(expected);

        // a dropped table keeps its index, however often it is told
        for (int times = 0; times < 3; times++) {
            sink.applySchemaChange(dropTable);
        }
        assertOneVersion(4);
        assertThat(documents()).isEqualTo(expected);
    }

    /** The row as Elasticsearch stores it in _source (dates as ISO text). */
    private static Map<String, Object> asJson(Row row) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        row.asMap().forEach((k, v) -> m.put(k, v instanceof LocalDate d ? d.toString() : v));
        return m;
    }

    @Test
    void aReindexThatFailsHalfWayLeavesTheOldIndexAndTheNextAttemptEndsMigrated() throws Exception {
        ElasticsearchSink sink = openSink();
        TableSchema v1 = ITEMS_V1;
        List<ChangeEvent> rows = itemsWith25Rows(sink);
        TableSchema v2 = retype(v1, "qty", DataType.int64());
        SchemaChangeEvent widen = change(v1, v2, new SchemaChange.AlterColumnType("qty", DataType.int32(),
                DataType.int64()));
        sink.indexes().pageSize = 10;
        sink.indexes().afterPage = pages -> {
            if (pages == 1) {
                throw new dev.cdc.api.error.RetriableException("connection lost (injected after page 1)");
            }
        };
        Throwable thrown = catchThrowable(() -> sink.applySchemaChange(widen));
        assertThat(thrown).hasMessageContaining("injected");
        assertOneVersion(1); // the half-filled _v2 was removed, the alias did not move
        assertThat(type("qty")).isEqualTo("integer");
        assertThat(EsTestIndexes.count(alias())).isEqualTo(25);

        sink.indexes().afterPage = pages -> { };
        sink.applySchemaChange(widen); // the engine's retry
        sink.applySchemaChange(widen);
        assertOneVersion(2);
        assertThat(type("qty")).isEqualTo("long");
        assertThat(documents().keySet()).hasSize(25);
        assertThat(documents().get(25L).get("qty")).isEqualTo(25L);
    }

    /** Thrown past every catch of the sink, like a kill: nothing is cleaned up. */
    private static final class Killed extends Error {
        Killed() {
            super("killed (injected)");
        }
    }

    @Test
    void aReindexKilledHalfWayLeavesAHalfIndexThatTheRestartedSinkReplaces() throws Exception {
        ElasticsearchSink sink = openSink();
        TableSchema v1 = ITEMS_V1;
        List<ChangeEvent> rows = itemsWith25Rows(sink);
        TableSchema v2 = retype(v1, "qty", DataType.string());
        SchemaChangeEvent retype = change(v1, v2, new SchemaChange.AlterColumnType("qty", DataType.int32(),
                DataType.string()));
        sink.indexes().pageSize = 10;
        sink.indexes().afterPage = pages -> {
            if (pages == 2) {
                throw new Killed();
            }
        };
        assertThat(catchThrowable(() -> sink.applySchemaChange(retype))).isInstanceOf(Killed.class);
        // what a kill leaves: the alias on _v1, a half-filled _v2 without alias
        assertThat(indexes()).containsOnlyKeys(alias() + "_v1", alias() + "_v2");
        EsTestIndexes.request("POST", "/" + alias() + "_v2/_refresh", null);
        assertThat(EsTestIndexes.count(alias() + "_v2")).isEqualTo(20);
        assertThat(EsTestIndexes.count(alias())).isEqualTo(25);

        ElasticsearchSink restarted = openSink();
        restarted.applySchemaChange(retype);
        restarted.applySchemaChange(retype);
        assertOneVersion(2);
        assertThat(type("qty")).isEqualTo("text");
        assertThat(documents()).hasSize(25);
        // versions carried over: an old row replayed does not overwrite
        writeAndFlush(restarted, List.of(rows.get(0).withRows(Optional.empty(), Optional.of(Row.of("id", 1L, "qty", -1)))));
        assertThat(documents().get(1L).get("qty")).isEqualTo(1L);
    }

    @Test
    void aSinkWhoseViewOfTheAliasIsStaleDoesNotDeleteTheLiveIndex() throws Exception {
        // as when the answer to the alias switch was lost (timeout) and the change is applied again:
        // the sink's memory says _v1, the server has moved to _v2
        ElasticsearchSink stale = openSink();
        TableSchema v1 = ITEMS_V1;
        SchemaChangeEvent createTable = change(null, v1, new SchemaChange.CreateTable(v1));
        stale.applySchemaChange(createTable);
        writeAndFlush(stale, List.of(upsert(Row.of("id", 1L, "qty", 1)), upsert(Row.of("id", 2L, "qty", 2))));
        TableSchema v2 = retype(v1, "qty", DataType.int64());
        SchemaChangeEvent widen = change(v1, v2, new SchemaChange.AlterColumnType("qty", DataType.int32(),
                DataType.int64()));
        ElasticsearchSink other = openSink();
        other.applySchemaChange(createTable);
        other.applySchemaChange(widen);
        writeAndFlush(other, List.of(upsert(Row.of("id", 3L, "qty", 5_000_000_000L))));
        assertOneVersion(2);

        stale.applySchemaChange(widen);
        assertOneVersion(2);
        assertThat(documents()).hasSize(3);
        stale.write(List.of(ChangeEvent.truncate(ITEMS, T, Position.ofSequence(sequence++))));
        stale.flush();
        other.write(List.of(ChangeEvent.truncate(ITEMS, T, Position.ofSequence(sequence++))));
        other.flush();
        assertOneVersion(4);
        assertThat(type("qty")).isEqualTo("long");
        assertThat(EsTestIndexes.count(alias())).isZero();
    }

    @Test
    void oldShapeRowsReplayedAfterARetypeAreStaleOrFailClearly() throws Exception {
        ElasticsearchSink sink = openSink();
        TableSchema v1 = new TableSchema(ITEMS, List.of(Column.notNull("id", DataType.int64()),
                Column.of("born", DataType.int32())), List.of("id"));
        sink.applySchemaChange(change(null, v1, new SchemaChange.CreateTable(v1)));
        // old shape: ints, then set to NULL before the retype (so the stored documents fit a date)
        ChangeEvent oneInt = upsert(Row.of("id", 1L, "born", 5));
        ChangeEvent twoInt = upsert(Row.of("id", 2L, "born", 7));
        ChangeEvent threeInt = upsert(Row.of("id", 3L, "born", 9));
        writeAndFlush(sink, List.of(oneInt, twoInt, threeInt));
        writeAndFlush(sink, List.of(upsert(Row.of("id", 1L, "born", null)), delete(2),
                upsert(Row.of("id", 3L, "born", null))));
        TableSchema v2 = retype(v1, "born", DataType.date());
        SchemaChangeEvent toDate = change(v1, v2, new SchemaChange.AlterColumnType("born", DataType.int32(),
                DataType.date()));
        sink.applySchemaChange(toDate);
        writeAndFlush(sink, List.of(upsert(Row.of("id", 1L, "born", LocalDate.of(2020, 1, 1)))));

        // a crash before the accepted schema was saved: a restart replays the old rows, then the change
        ElasticsearchSink restarted = openSink();
        writeAndFlush(restarted, List.of(oneInt, twoInt, threeInt)); // no failure: all three are stale
        restarted.applySchemaChange(toDate);
        assertOneVersion(2);
        Map<Long, Row> docs = documents();
        assertThat(docs).containsOnlyKeys(1L, 3L); // 2 stays deleted although its tombstone did not move
        assertThat(docs.get(1L).get("born")).isEqualTo("2020-01-01");
        assertThat(docs.get(3L).get("born")).isNull();

        // a row newer than the migration whose value the date field cannot hold is not stale: it is
        // indexed, the value kept in _source and in born.raw (ignore_malformed), never rejected
        writeAndFlush(restarted, List.of(upsert(Row.of("id", 4L, "born", 11))));
        assertThat(documents()).containsOnlyKeys(1L, 3L, 4L);
        assertThat(documents().get(4L).get("born")).isEqualTo(11L);
    }

    @Test
    void anOldShapeRowOlderThanTheStoredDocumentIsStaleEvenWithoutAMigration() throws Exception {
        // a sink that first saw the table in its new shape (added later): its index was created with
        // the date mapping, and the replay brings rows of the old shape from before the change
        ElasticsearchSink sink = openSink();
        TableSchema dated = new TableSchema(ITEMS, List.of(Column.notNull("id", DataType.int64()),
                Column.of("born", DataType.date())), List.of("id"));
        ChangeEvent oldOne = upsert(Row.of("id", 1L, "born", 5));
        ChangeEvent oldTwo = upsert(Row.of("id", 2L, "born", 6));
        sink.applySchemaChange(change(null, dated, new SchemaChange.CreateTable(dated)));
        writeAndFlush(sink, List.of(upsert(Row.of("id", 1L, "born", LocalDate.of(2021, 2, 3)))));

        writeAndFlush(sink, List.of(oldOne, oldTwo));
        // 1 has a newer stored version: stale (409), counted as written; 2 has none: indexed as it
        // came, its int kept in _source and in born.raw, the date field ignoring it (ignore_malformed)
        assertOneVersion(1);
        assertThat(documents()).containsOnlyKeys(1L, 2L);
        assertThat(documents().get(1L).get("born")).isEqualTo("2021-02-03");
        assertThat(documents().get(2L).get("born")).isEqualTo(6L);
    }
}
