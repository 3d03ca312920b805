package dev.cdc.sink.redis;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.schema.TypeKind;
import dev.cdc.api.spi.Sink;
import dev.cdc.testkit.fixture.TestPluginContext;
import dev.cdc.testkit.fixture.TestTarget;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schema changes: every mode declares every kind (Redis holds no schema); column changes need
 * nothing, a dropped or renamed table's keys go like a truncate (and a replay does not bring them
 * back), and the stream mode appends the change once, between the rows before and after it.
 */
class RedisSchemaChangeIT extends RedisTargetTest {

    private static final TableId ORDERS = TableId.of("shop", "orders");
    private static final TableId LINES = TableId.of("shop", "order_lines");
    private static final TableId RENAMED = TableId.of("shop", "purchases");
    private static final Instant T = Instant.parse("2024-05-01T10:15:30Z");
    private static final TableSchema V1 = new TableSchema(ORDERS, List.of(
            Column.notNull("id", new DataType.Simple(TypeKind.INT64)),
            Column.of("status", new DataType.Simple(TypeKind.STRING)),
            Column.of("note", new DataType.Simple(TypeKind.STRING))), List.of("id"));
    private static final TableSchema V2 = V1.withColumns(V1.columns().subList(0, 2));

    private long sequence = 1;

    private Sink open(String mode) throws Exception {
        return open(mode, Map.of());
    }

    private ChangeEvent upsert(TableId table, long id, Row row) {
        return ChangeEvent.update(table, Row.of("id", id), null, row, T, Position.ofSequence(sequence++));
    }

    private SchemaChangeEvent change(TableId table, Optional<TableSchema> before, Optional<TableSchema> after,
                                     SchemaChange... changes) {
        return new SchemaChangeEvent(table, before, after, List.of(changes), Optional.empty(),
                Position.ofSequence(sequence++), T);
    }

    private String key(TableId table, long id) {
        return target.name() + ":" + table + ":" + id;
    }

    @Test
    void everyModeDeclaresEveryKind() throws Exception {
        for (String mode : List.of("hash", "json", "invalidate", "stream")) {
            try (Sink sink = open(mode)) {
                assertThat(sink.supportedSchemaChanges()).as(mode).isEqualTo(EnumSet.allOf(SchemaChangeKind.class));
            }
        }
    }

    @Test
    void aDroppedColumnLeavesTheHashWhenItsRowIsNextWrittenWhole() throws Exception {
        try (Sink sink = open("hash")) {
            sink.write(List.of(upsert(ORDERS, 1, Row.of("id", 1L, "status", "new", "note", "n"))));
            sink.flush();
            sink.applySchemaChange(change(ORDERS, Optional.of(V1), Optional.of(V2), new SchemaChange.DropColumn("note")));
            assertThat(redis.jedis().hget(key(ORDERS, 1), "note")).as("a column change deletes nothing").isEqualTo("n");
            sink.write(List.of(upsert(ORDERS, 1, Row.of("id", 1L, "status", "paid"))));
            sink.flush();
        }
        assertThat(redis.jedis().hgetAll(key(ORDERS, 1))).containsOnlyKeys("id", "status", "__cdc_sort_key")
                .containsEntry("status", "paid");
    }

    @Test
    void aDroppedOrRenamedTablesKeysGoAndAReplayDoesNotBringThemBack() throws Exception {
        for (String mode : List.of("hash", "json", "invalidate")) {
            ChangeEvent order = upsert(ORDERS, 1, Row.of("id", 1L, "status", "new"));
            ChangeEvent line = upsert(LINES, 7, Row.of("id", 7L, "sku", "x"));
            try (Sink sink = open(mode)) {
                if (mode.equals("invalidate")) { // invalidate writes nothing: the cache filled the keys
                    redis.jedis().set(key(ORDERS, 1), "cached");
                    redis.jedis().set(key(LINES, 7), "cached");
                } else {
                    sink.write(List.of(order, line));
                    sink.flush();
                }
                sink.applySchemaChange(change(ORDERS, Optional.of(V1), Optional.empty(), new SchemaChange.DropTable(ORDERS)));
                assertThat(redis.jedis().exists(key(ORDERS, 1))).as(mode + ": dropped table's key").isFalse();
                assertThat(redis.jedis().exists(key(LINES, 7))).as(mode + ": other table's key").isTrue();
                if (!mode.equals("invalidate")) {
                    sink.write(List.of(order)); // a replay from before the drop
                    sink.flush();
                    assertThat(redis.jedis().exists(key(ORDERS, 1))).as(mode + ": replayed row").isFalse();
                }
                sink.applySchemaChange(change(RENAMED, Optional.empty(), Optional.of(V1.withTable(RENAMED)),
                        new SchemaChange.RenameTable(LINES, RENAMED)));
                assertThat(redis.jedis().exists(key(LINES, 7))).as(mode + ": renamed table's old key").isFalse();
            }
            redis.deleteAll(target.name());
        }
    }

    @Test
    void theStreamModeAppendsTheChangeOnceBetweenTheRows() throws Exception {
        ChangeEvent before = upsert(ORDERS, 1, Row.of("id", 1L, "status", "new", "note", "n"));
        SchemaChangeEvent drop = change(ORDERS, Optional.of(V1), Optional.of(V2), new SchemaChange.DropColumn("note"));
        ChangeEvent after = upsert(ORDERS, 1, Row.of("id", 1L, "status", "paid"));
        for (int run = 0; run < 2; run++) { // the second run replays everything, as after a restart
            try (Sink sink = open("stream")) {
                sink.write(List.of(before));
                sink.applySchemaChange(drop);
                sink.write(List.of(after));
                sink.flush();
            }
        }
        List<Map<String, String>> entries = redis.stream(target.name() + ":cdc:shop.orders");
        assertThat(entries).extracting(e -> e.get("op")).containsExactly("u", "schema", "u");
        Map<String, String> schema = entries.get(1);
        assertThat(schema).containsEntry("table", "shop.orders").containsEntry("key", "null")
                .containsEntry("sort_key", drop.position().sortKey());
        var envelope = RedisFixture.json(schema.get("value"));
        assertThat(envelope.get("op").asText()).isEqualTo("schema");
        assertThat(envelope.get("changes").get(0).get("kind").asText()).isEqualTo("drop-column");
        assertThat(envelope.get("changes").get(0).get("column").asText()).isEqualTo("note");
    }
}
