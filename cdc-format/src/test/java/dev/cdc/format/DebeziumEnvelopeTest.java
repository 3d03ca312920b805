package dev.cdc.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.cdc.format.CdcEnvelopeTest.fieldNames;
import static dev.cdc.format.CdcEnvelopeTest.texts;
import static dev.cdc.format.Events.COMMIT;
import static dev.cdc.format.Events.NOW;
import static dev.cdc.format.Events.ORDERS;
import static dev.cdc.format.Events.POSITION;
import static dev.cdc.format.Events.parse;
import static org.assertj.core.api.Assertions.assertThat;

class DebeziumEnvelopeTest {

    private final EnvelopeWriter writer = Events.writer(EnvelopeFormat.DEBEZIUM);

    private JsonNode write(StreamEvent event) {
        return parse(writer.toBytes(event));
    }

    @Test
    void updateHasDebeziumsPayloadShape() {
        ChangeEvent e = ChangeEvent.update(ORDERS, Row.of("id", 42L), Row.of("id", 42L, "qty", 1),
                Row.of("id", 42L, "qty", 2), COMMIT, POSITION).withTransactionId("771");

        JsonNode n = write(e);

        assertThat(fieldNames(n)).containsExactly("before", "after", "source", "op", "ts_ms", "transaction");
        assertThat(n.get("before").get("qty").intValue()).isEqualTo(1);
        assertThat(n.get("after").get("qty").intValue()).isEqualTo(2);
        assertThat(n.get("op").asText()).isEqualTo("u");
        assertThat(n.get("ts_ms").longValue()).isEqualTo(NOW.toEpochMilli());
        assertThat(n.get("transaction").isNull()).isTrue();
        JsonNode s = n.get("source");
        assertThat(fieldNames(s)).containsExactly("version", "connector", "name", "ts_ms", "snapshot", "db", "schema",
                "table", "txId", "lsn", "sequence");
        assertThat(s.get("version").asText()).isEqualTo("cdc-0.1");
        assertThat(s.get("connector").asText()).isEqualTo("cdc");
        assertThat(s.get("name").asText()).isEqualTo("orders-pipeline");
        assertThat(s.get("ts_ms").longValue()).isEqualTo(COMMIT.toEpochMilli());
        assertThat(s.get("snapshot").asText()).isEqualTo("false");
        assertThat(s.get("db").asText()).isEqualTo("public");
        assertThat(s.get("schema").asText()).isEqualTo("public");
        assertThat(s.get("table").asText()).isEqualTo("orders");
        assertThat(s.get("txId").isIntegralNumber()).isTrue();
        assertThat(s.get("txId").longValue()).isEqualTo(771L);
        assertThat(s.get("lsn").isIntegralNumber()).isTrue();
        assertThat(s.get("lsn").longValue()).isEqualTo(23923456L);
        assertThat(s.get("sequence").asText()).isEqualTo(POSITION.sortKey());
    }

    @Test
    void snapshotReadsAreMarkedAndNonNumericIdsStayStrings() {
        Position mysql = Position.of(Map.of("gtid", "3E11FA47-71CA-11E1-9E33-C80AA9429562:23"), "0001");
        ChangeEvent e = ChangeEvent.read(TableId.of("shop", "items"), Row.of("id", 1), Row.of("id", 1), COMMIT, mysql)
                .withTransactionId("3E11FA47:23");

        JsonNode s = write(e).get("source");

        assertThat(s.get("snapshot").asText()).isEqualTo("true");
        assertThat(s.get("txId").isTextual()).isTrue();
        assertThat(s.get("txId").asText()).isEqualTo("3E11FA47:23");
        assertThat(s.has("lsn")).isFalse();
        assertThat(s.get("db").asText()).isEqualTo("shop");
    }

    @Test
    void anLsnBeyondALongStaysAString() {
        Position p = Position.of(Map.of("lsn", "99999999999999999999"), "k");
        ChangeEvent e = ChangeEvent.insert(ORDERS, Row.empty(), Row.of("a", 1), COMMIT, p);

        assertThat(write(e).get("source").get("lsn").asText()).isEqualTo("99999999999999999999");
        assertThat(write(e).get("source").get("lsn").isTextual()).isTrue();
    }

    @Test
    void unchangedColumnsGetDebeziumsPlaceholder() {
        ChangeEvent e = ChangeEvent.update(ORDERS, Row.of("id", 7L), null,
                Row.of("id", 7L, "doc", Unchanged.VALUE), COMMIT, POSITION);

        JsonNode n = write(e);

        assertThat(n.get("after").get("doc").asText()).isEqualTo("__debezium_unavailable_value");
        assertThat(n.get("before").isNull()).isTrue();
        assertThat(n.has("unchanged")).isFalse();
    }

    @Test
    void deleteAndTruncate() {
        JsonNode d = write(ChangeEvent.delete(ORDERS, Row.of("id", 7L), Row.of("id", 7L, "q", 1), COMMIT, POSITION));
        JsonNode t = write(ChangeEvent.truncate(ORDERS, COMMIT, POSITION));

        assertThat(d.get("op").asText()).isEqualTo("d");
        assertThat(d.get("before").get("q").intValue()).isEqualTo(1);
        assertThat(d.get("after").isNull()).isTrue();
        assertThat(t.get("op").asText()).isEqualTo("t");
        assertThat(t.get("before").isNull()).isTrue();
        assertThat(t.get("after").isNull()).isTrue();
    }

    @Test
    void schemaChangeIsASimplifiedDebeziumSchemaChangeEvent() {
        TableSchema before = new TableSchema(ORDERS, List.of(Column.notNull("id", DataType.int64())), List.of("id"));
        Column email = Column.of("email", DataType.string()).withSourceType("varchar(255)").withDefault("''");
        TableSchema after = before.withColumns(List.of(before.columns().get(0), email));
        SchemaChangeEvent alter = new SchemaChangeEvent(ORDERS, Optional.of(before), Optional.of(after),
                List.of(new SchemaChange.AddColumn(email, Optional.empty())), Optional.of("ALTER TABLE ..."),
                POSITION, COMMIT);

        JsonNode n = write(alter);

        assertThat(fieldNames(n)).containsExactly("source", "ts_ms", "databaseName", "schemaName", "ddl",
                "tableChanges");
        assertThat(n.get("ddl").asText()).isEqualTo("ALTER TABLE ...");
        assertThat(n.get("source").get("txId").isNull()).isTrue();
        JsonNode change = n.get("tableChanges").get(0);
        assertThat(change.get("type").asText()).isEqualTo("ALTER");
        assertThat(change.get("id").asText()).isEqualTo("\"public\".\"orders\"");
        assertThat(texts(change.get("table").get("primaryKeyColumnNames"))).containsExactly("id");
        JsonNode col = change.get("table").get("columns").get(1);
        assertThat(col.get("name").asText()).isEqualTo("email");
        assertThat(col.get("typeName").asText()).isEqualTo("varchar(255)");
        assertThat(col.get("logicalType").asText()).isEqualTo("string");
        assertThat(col.get("position").intValue()).isEqualTo(2);
        assertThat(col.get("optional").booleanValue()).isTrue();
        assertThat(col.get("defaultValueExpression").asText()).isEqualTo("''");
        assertThat(change.get("table").get("columns").get(0).get("typeName").asText()).isEqualTo("int64");

        JsonNode created = write(SchemaChangeEvent.of(after, POSITION, COMMIT)).get("tableChanges").get(0);
        JsonNode dropped = write(new SchemaChangeEvent(ORDERS, Optional.of(after), Optional.empty(), List.of(),
                Optional.empty(), POSITION, COMMIT)).get("tableChanges").get(0);
        assertThat(created.get("type").asText()).isEqualTo("CREATE");
        assertThat(dropped.get("type").asText()).isEqualTo("DROP");
        assertThat(dropped.get("table").isNull()).isTrue();
    }
}
