package dev.cdc.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.cdc.format.Events.COMMIT;
import static dev.cdc.format.Events.NOW;
import static dev.cdc.format.Events.ORDERS;
import static dev.cdc.format.Events.POSITION;
import static dev.cdc.format.Events.parse;
import static org.assertj.core.api.Assertions.assertThat;

class CdcEnvelopeTest {

    private final EnvelopeWriter writer = Events.writer(EnvelopeFormat.CDC);

    private JsonNode write(Object event) {
        return parse(writer.toBytes((dev.cdc.api.event.StreamEvent) event));
    }

    @Test
    void insertHasEveryDocumentedField() {
        ChangeEvent e = ChangeEvent.insert(ORDERS, Row.of("id", 42L), Row.of("id", 42L, "total",
                new BigDecimal("12.50")), COMMIT, POSITION).withTransactionId("771").withSchemaVersion(3);

        JsonNode n = write(e);

        assertThat(fieldNames(n)).containsExactly("op", "table", "key", "before", "after", "source", "ts_ms");
        assertThat(n.get("op").asText()).isEqualTo("c");
        assertThat(n.get("table").asText()).isEqualTo("public.orders");
        assertThat(n.get("key").get("id").longValue()).isEqualTo(42L);
        assertThat(n.get("before").isNull()).isTrue();
        assertThat(n.get("after").get("total").asText()).isEqualTo("12.50");
        JsonNode s = n.get("source");
        assertThat(fieldNames(s)).containsExactly("pipeline", "position", "sort_key", "txid", "commit_ts",
                "commit_ts_ms", "schema_version");
        assertThat(s.get("pipeline").asText()).isEqualTo("orders-pipeline");
        assertThat(s.get("position").get("lsn").asText()).isEqualTo("23923456");
        assertThat(s.get("position").get("tx_index").asText()).isEqualTo("3");
        assertThat(s.get("sort_key").asText()).isEqualTo(POSITION.sortKey());
        assertThat(s.get("txid").asText()).isEqualTo("771");
        assertThat(s.get("commit_ts").asText()).isEqualTo("2026-01-02T13:45:00.123456Z");
        assertThat(s.get("commit_ts_ms").longValue()).isEqualTo(COMMIT.toEpochMilli());
        assertThat(s.get("schema_version").longValue()).isEqualTo(3L);
        assertThat(n.get("ts_ms").longValue()).isEqualTo(NOW.toEpochMilli());
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void everyOperationWritesItsCode(Operation op) {
        Row row = Row.of("id", 1L, "name", "a");
        ChangeEvent e = switch (op) {
            case CREATE -> ChangeEvent.insert(ORDERS, Row.of("id", 1L), row, COMMIT, POSITION);
            case UPDATE -> ChangeEvent.update(ORDERS, Row.of("id", 1L), row.with("name", "old"), row, COMMIT, POSITION);
            case DELETE -> ChangeEvent.delete(ORDERS, Row.of("id", 1L), row, COMMIT, POSITION);
            case READ -> ChangeEvent.read(ORDERS, Row.of("id", 1L), row, COMMIT, POSITION);
            case TRUNCATE -> ChangeEvent.truncate(ORDERS, COMMIT, POSITION);
        };

        JsonNode n = write(e);

        assertThat(n.get("op").asText()).isEqualTo(op.code());
        assertThat(n.get("before").isNull()).isEqualTo(e.before().isEmpty());
        assertThat(n.get("after").isNull()).isEqualTo(e.after().isEmpty());
        assertThat(n.get("source").get("txid").isNull()).isTrue();
        if (op == Operation.UPDATE) {
            assertThat(n.get("before").get("name").asText()).isEqualTo("old");
            assertThat(n.get("after").get("name").asText()).isEqualTo("a");
        }
    }

    @Test
    void unchangedColumnsAreListedAndLeftOutOfTheRows() {
        Row before = Row.of("id", 7L, "doc", Unchanged.VALUE, "n", 1);
        Row after = Row.of("id", 7L, "doc", Unchanged.VALUE, "n", 2, "blob", Unchanged.VALUE);
        ChangeEvent e = ChangeEvent.update(ORDERS, Row.of("id", 7L), before, after, COMMIT, POSITION);

        JsonNode n = write(e);

        assertThat(texts(n.get("unchanged"))).containsExactly("doc", "blob");
        assertThat(fieldNames(n.get("before"))).containsExactly("id", "n");
        assertThat(fieldNames(n.get("after"))).containsExactly("id", "n");
        assertThat(n.get("after").get("n").intValue()).isEqualTo(2);
        assertThat(fieldNames(n)).containsSubsequence("after", "unchanged", "source");
    }

    @Test
    void headersAreWrittenWhenThereAreSome() {
        ChangeEvent e = ChangeEvent.insert(ORDERS, Row.of("id", 1L), Row.of("id", 1L), COMMIT, POSITION)
                .withHeader("cdc.error.message", "boom \"quoted\"").withHeader("tenant", "acme");

        JsonNode n = write(e);

        assertThat(n.get("headers").get("cdc.error.message").asText()).isEqualTo("boom \"quoted\"");
        assertThat(n.get("headers").get("tenant").asText()).isEqualTo("acme");
        assertThat(fieldNames(n)).endsWith("ts_ms", "headers");
    }

    @Test
    void aTableWithoutNamespaceIsWrittenByName() {
        ChangeEvent e = ChangeEvent.insert(TableId.of("", "t"), Row.empty(), Row.of("a", 1), COMMIT, POSITION);

        JsonNode n = write(e);

        assertThat(n.get("table").asText()).isEqualTo("t");
        assertThat(n.get("key").isObject()).isTrue();
        assertThat(n.get("key").size()).isZero();
    }

    @Test
    void schemaChangeHasChangesSchemasAndSource() {
        TableSchema before = new TableSchema(ORDERS, List.of(Column.notNull("id", DataType.int64()),
                Column.of("total", DataType.decimal(10, 2)).withSourceType("numeric(10,2)").withDefault("0")),
                List.of("id"));
        Column email = Column.of("email", DataType.string()).withSourceType("text");
        TableSchema after = before.withColumns(List.of(before.columns().get(0), before.columns().get(1), email));
        SchemaChangeEvent e = new SchemaChangeEvent(ORDERS, Optional.of(before), Optional.of(after),
                List.of(new SchemaChange.AddColumn(email, Optional.of("total")),
                        new SchemaChange.AlterColumnType("total", DataType.decimal(10, 2), DataType.decimal(12, 2)),
                        new SchemaChange.RenameColumn("a", "b"),
                        new SchemaChange.AlterColumnNullability("total", false),
                        new SchemaChange.AlterColumnDefault("total", Optional.empty()),
                        new SchemaChange.AlterPrimaryKey(List.of("id"), List.of("id", "email")),
                        new SchemaChange.DropColumn("old"),
                        new SchemaChange.RenameTable(ORDERS, ORDERS.withName("orders2")),
                        new SchemaChange.DropTable(ORDERS),
                        new SchemaChange.CreateTable(after)),
                Optional.of("ALTER TABLE orders ADD COLUMN email text"), POSITION, COMMIT);

        JsonNode n = write(e);

        assertThat(fieldNames(n)).containsExactly("op", "table", "changes", "before", "after", "ddl", "source", "ts_ms");
        assertThat(n.get("op").asText()).isEqualTo("schema");
        assertThat(n.get("ddl").asText()).isEqualTo("ALTER TABLE orders ADD COLUMN email text");
        JsonNode add = n.get("changes").get(0);
        assertThat(add.get("kind").asText()).isEqualTo("add-column");
        assertThat(add.get("column").asText()).isEqualTo("email");
        assertThat(add.get("type").asText()).isEqualTo("string");
        assertThat(add.get("nullable").booleanValue()).isTrue();
        assertThat(add.get("source_type").asText()).isEqualTo("text");
        assertThat(add.get("default").isNull()).isTrue();
        assertThat(add.get("after").asText()).isEqualTo("total");
        JsonNode alter = n.get("changes").get(1);
        assertThat(alter.get("kind").asText()).isEqualTo("alter-column-type");
        assertThat(alter.get("from").asText()).isEqualTo("decimal(10,2)");
        assertThat(alter.get("to").asText()).isEqualTo("decimal(12,2)");
        assertThat(n.get("changes").get(3).get("nullable").booleanValue()).isFalse();
        assertThat(n.get("changes").get(4).get("default").isNull()).isTrue();
        assertThat(texts(n.get("changes").get(5).get("to"))).containsExactly("id", "email");
        assertThat(n.get("changes").get(7).get("to").asText()).isEqualTo("public.orders2");
        assertThat(n.get("changes").get(8).get("table").asText()).isEqualTo("public.orders");
        assertThat(n.get("changes").get(9).get("schema").get("columns")).hasSize(3);
        assertThat(n.get("changes")).hasSize(10);

        JsonNode total = n.get("before").get("columns").get(1);
        assertThat(total.get("name").asText()).isEqualTo("total");
        assertThat(total.get("type").asText()).isEqualTo("decimal(10,2)");
        assertThat(total.get("source_type").asText()).isEqualTo("numeric(10,2)");
        assertThat(total.get("default").asText()).isEqualTo("0");
        assertThat(n.get("before").get("columns").get(0).get("nullable").booleanValue()).isFalse();
        assertThat(texts(n.get("before").get("primary_key"))).containsExactly("id");
        assertThat(n.get("after").get("columns")).hasSize(3);
        assertThat(fieldNames(n.get("source"))).containsExactly("pipeline", "position", "sort_key", "commit_ts",
                "commit_ts_ms");
    }

    @Test
    void droppedTableHasNoAfterSchema() {
        TableSchema before = new TableSchema(ORDERS, List.of(Column.of("id", DataType.int64())), List.of());
        SchemaChangeEvent e = new SchemaChangeEvent(ORDERS, Optional.of(before), Optional.empty(),
                List.of(new SchemaChange.DropTable(ORDERS)), Optional.empty(), POSITION, COMMIT);

        JsonNode n = write(e);

        assertThat(n.get("after").isNull()).isTrue();
        assertThat(n.get("ddl").isNull()).isTrue();
        assertThat(n.get("before").get("primary_key")).isEmpty();
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return out;
    }

    @Test
    void positionOffsetsAreWrittenInTheirSortedOrder() {
        ChangeEvent e = ChangeEvent.insert(ORDERS, Row.empty(), Row.of("a", 1),
                COMMIT, dev.cdc.api.event.Position.of(Map.of("z", "1", "a", "2"), "k"));

        assertThat(fieldNames(write(e).get("source").get("position"))).containsExactly("a", "z");
    }
}
