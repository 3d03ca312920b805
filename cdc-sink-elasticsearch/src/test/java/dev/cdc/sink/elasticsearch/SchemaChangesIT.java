package dev.cdc.sink.elasticsearch;

import dev.cdc.api.error.SchemaEvolutionException;
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

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Schema changes mid-stream: mappings from logical types, an added column, a changed type. */
class SchemaChangesIT {

    private static final TableId ITEMS = TableId.of("shop", "items");
    private static final Instant T = Instant.parse("2024-05-01T10:15:30Z");

    private TestTarget target;
    private Sink sink;
    private long sequence = 1;

    @BeforeAll
    static void elasticsearchIsUp() {
        Services.requireReachable(Service.ELASTICSEARCH);
    }

    @BeforeEach
    void open() throws Exception {
        target = TestTarget.create();
        ElasticsearchSinkFactory f = new ElasticsearchSinkFactory();
        sink = f.create(TestPluginContext.bind(f, Map.of("hosts", Services.elasticsearchUrl(),
                "index", target.name() + "_${name}", "index-settings", Map.of("number_of_replicas", "0"),
                "column-types", Map.of("attrs", "flattened", "obj", "object")), target, "es"));
        sink.open();
    }

    @AfterEach
    void close() throws Exception {
        try {
            sink.close();
            EsTestIndexes.deleteAll(target.name());
        } finally {
            target.deleteDirectory();
        }
    }

    private String index() {
        return target.name() + "_items";
    }

    private SchemaChangeEvent change(TableSchema before, TableSchema after, SchemaChange c) {
        return new SchemaChangeEvent(ITEMS, Optional.ofNullable(before), Optional.of(after),
                c == null ? List.of() : List.of(c), Optional.empty(), Position.ofSequence(sequence++), T);
    }

    private ChangeEvent insert(Row row) {
        return ChangeEvent.insert(ITEMS, row.project(List.of("id")), row, T, Position.ofSequence(sequence++));
    }

    private void writeAndFlush(List<ChangeEvent> events) throws Exception {
        sink.write(events);
        sink.flush();
    }

    @Test
    void addedColumnAndChangedTypeEndWithTheRightMappingAndEveryDocument() throws Exception {
        TableSchema v1 = new TableSchema(ITEMS, List.of(
                Column.notNull("id", DataType.int64()),
                Column.of("qty", DataType.int32()),
                Column.of("price", DataType.decimal(10, 2)),
                Column.of("born", DataType.date()),
                Column.of("seen", DataType.timestampTz(6)),
                Column.of("tags", DataType.arrayOf(DataType.string())),
                Column.of("attrs", DataType.json()),
                Column.of("doc", DataType.json()),
                Column.of("obj", DataType.json())), List.of("id"));
        sink.applySchemaChange(change(null, v1, new SchemaChange.CreateTable(v1)));
        List<ChangeEvent> written = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            written.add(insert(Row.of("id", (long) i, "qty", i, "price", new BigDecimal("12345678.9" + (i % 10)),
                    "born", LocalDate.of(2000, 1, 1).plusDays(i), "seen", T.plusNanos(123456000L * i),
                    "tags", List.of("a", "b" + i), "attrs", "{\"color\":\"red\",\"n\":" + i + "}",
                    "doc", "{\"nested\":{\"deep\":true}}", "obj", "{\"nested\":{\"deep\":true}}")));
        }
        writeAndFlush(written);
        assertThat(EsTestIndexes.fieldMapping(index(), "qty").path("type").asText()).isEqualTo("integer");
        assertThat(EsTestIndexes.fieldMapping(index(), "price").path("type").asText())
                .as("decimals are exact keywords by default").isEqualTo("keyword");
        assertThat(EsTestIndexes.fieldMapping(index(), "seen").path("type").asText())
                .as("microseconds are kept in the index").isEqualTo("date_nanos");
        assertThat(EsTestIndexes.fieldMapping(index(), "born").path("format").asText()).isEqualTo("strict_date");
        assertThat(EsTestIndexes.fieldMapping(index(), "tags").path("fields").path("keyword").path("type").asText())
                .isEqualTo("keyword");
        assertThat(EsTestIndexes.fieldMapping(index(), "attrs").path("type").asText()).isEqualTo("flattened");
        assertThat(EsTestIndexes.fieldMapping(index(), "doc").path("type").asText())
                .as("a json column is its exact text by default").isEqualTo("text");
        assertThat(EsTestIndexes.fieldMapping(index(), "obj").path("properties").path("nested").isObject()).isTrue();

        // add a column: mapped before its first document
        Column email = Column.of("email", DataType.string());
        TableSchema v2 = v1.withColumns(append(v1.columns(), email));
        sink.applySchemaChange(change(v1, v2, new SchemaChange.AddColumn(email, Optional.empty())));
        assertThat(EsTestIndexes.fieldMapping(index(), "email").path("type").asText()).isEqualTo("text");
        writeAndFlush(List.of(insert(Row.of("id", 31L, "qty", 31, "email", "x@example.org"))));

        // change a type: integer -> long moves the index to a new version behind the alias
        TableSchema v3 = v2.withColumns(v2.columns().stream()
                .map(c -> c.name().equals("qty") ? c.withType(DataType.int64()) : c).toList());
        sink.applySchemaChange(change(v2, v3, new SchemaChange.AlterColumnType("qty", DataType.int32(),
                DataType.int64())));
        assertThat(EsTestIndexes.fieldMapping(index(), "qty").path("type").asText()).isEqualTo("long");
        assertThat(EsTestIndexes.request("GET", "/" + index() + "/_alias", null).fieldNames().next())
                .isEqualTo(index() + "_v2");
        writeAndFlush(List.of(insert(Row.of("id", 32L, "qty", 5_000_000_000L))));
        assertThat(EsTestIndexes.count(index())).isEqualTo(32);
        // versions survived the move: an old row replayed does not overwrite the stored one
        writeAndFlush(List.of(written.get(0).withRows(Optional.empty(),
                Optional.of(Row.of("id", 1L, "qty", -1)))));
        Row one = EsTestIndexes.rows(index()).stream().filter(r -> r.get("id").equals(1L)).findFirst().orElseThrow();
        assertThat(one.get("qty")).isEqualTo(1L);
        assertThat(one.get("price")).isEqualTo("12345678.91"); // exact digits kept in _source
    }

    @Test
    void aTypeChangeTheStoredValuesDoNotFitFailsClearlyAndKeepsTheIndex() throws Exception {
        TableSchema v1 = new TableSchema(ITEMS, List.of(Column.notNull("id", DataType.int64()),
                Column.of("code", DataType.string())), List.of("id"));
        sink.applySchemaChange(change(null, v1, new SchemaChange.CreateTable(v1)));
        writeAndFlush(List.of(insert(Row.of("id", 1L, "code", "not a number"))));
        TableSchema v2 = v1.withColumns(List.of(v1.columns().get(0), Column.of("code", DataType.int64())));
        Throwable thrown = catchThrowable(() -> sink.applySchemaChange(change(v1, v2,
                new SchemaChange.AlterColumnType("code", DataType.string(), DataType.int64()))));
        assertThat(thrown).isInstanceOf(SchemaEvolutionException.class).hasMessageContaining("code")
                .hasMessageContaining("column-types");
        assertThat(EsTestIndexes.count(index())).isEqualTo(1);
        assertThat(EsTestIndexes.fieldMapping(index(), "code").path("type").asText()).isEqualTo("text");
    }

    private static List<Column> append(List<Column> columns, Column c) {
        List<Column> all = new ArrayList<>(columns);
        all.add(c);
        return all;
    }
}
