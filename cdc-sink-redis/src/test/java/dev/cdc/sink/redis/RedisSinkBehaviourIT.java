package dev.cdc.sink.redis;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.PartialWriteException;
import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.spi.Sink;
import dev.cdc.testkit.fixture.TestPluginContext;
import dev.cdc.testkit.fixture.TestTarget;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What the conformance suite does not cover: invalidate mode (the suite's STATE and LOG views do
 * not fit a sink whose effect is that keys disappear), replays across truncates and tombstones,
 * exact JSON merges, per-event errors, a lost script cache, and an unreachable server.
 */
class RedisSinkBehaviourIT extends RedisTargetTest {

    private static final TableId ORDERS = TableId.of("shop", "orders");
    private static final TableId LINES = TableId.of("shop", "order_lines");
    private static final Instant T = Instant.parse("2024-05-01T10:15:30Z");

    private long sequence = 1;

    private ChangeEvent upsert(TableId table, Row key, Row row) {
        return ChangeEvent.update(table, key, null, row, T, Position.ofSequence(sequence++));
    }

    private ChangeEvent delete(TableId table, Row key) {
        return ChangeEvent.delete(table, key, null, T, Position.ofSequence(sequence++));
    }

    private String key(TableId table, String encoded) {
        return target.name() + ":" + table + ":" + encoded;
    }

    @Test
    void invalidateDeletesTheKeysOfEveryChangeAndTruncateDeletesTheTable() throws Exception {
        for (String k : List.of("1", "2", "3")) {
            redis.jedis().set(key(ORDERS, k), "cached " + k);
        }
        redis.jedis().set(key(LINES, "1:1"), "cached line");
        redis.jedis().set(key(LINES, "1:2"), "cached line");
        redis.jedis().set(key(TableId.of("shop", "customers"), "1"), "other table");
        try (Sink sink = open("invalidate", Map.of())) {
            ChangeEvent update = upsert(ORDERS, Row.of("id", 1L), Row.of("id", 1L, "status", "paid"));
            ChangeEvent deleted = delete(ORDERS, Row.of("id", 2L));
            ChangeEvent line = upsert(LINES, Row.of("order_id", 1L, "line_no", 2), Row.of("order_id", 1L, "line_no", 2));
            sink.write(List.of(update, deleted, line));
            sink.flush();
            assertThat(redis.keys(target.name() + ":shop.orders:*")).containsExactly(key(ORDERS, "3"));
            assertThat(redis.keys(target.name() + ":shop.order_lines:*")).containsExactly(key(LINES, "1:1"));
            sink.write(List.of(update, deleted, line)); // a replay is harmless
            sink.write(List.of(ChangeEvent.truncate(ORDERS, T, Position.ofSequence(sequence++))));
            sink.flush();
        }
        assertThat(redis.keys(target.name() + ":shop.orders:*")).isEmpty();
        assertThat(redis.keys(target.name() + ":shop.order_lines:*")).containsExactly(key(LINES, "1:1"));
        assertThat(redis.jedis().get(key(TableId.of("shop", "customers"), "1"))).isEqualTo("other table");
    }

    @Test
    void aReplayFromBeforeATruncateOrADeleteResurrectsNothing() throws Exception {
        for (String mode : List.of("hash", "json")) {
            ChangeEvent one = upsert(ORDERS, Row.of("id", 1L), Row.of("id", 1L, "status", "new"));
            ChangeEvent two = upsert(ORDERS, Row.of("id", 2L), Row.of("id", 2L, "status", "new"));
            ChangeEvent deleteOne = delete(ORDERS, Row.of("id", 1L));
            ChangeEvent truncate = ChangeEvent.truncate(ORDERS, T, Position.ofSequence(sequence++));
            ChangeEvent three = upsert(ORDERS, Row.of("id", 3L), Row.of("id", 3L, "status", "after"));
            try (Sink sink = open(mode, Map.of())) {
                sink.write(List.of(one, two, deleteOne));
                sink.flush();
                assertThat(redis.keys(target.name() + ":shop.orders:*")).as(mode).containsExactly(key(ORDERS, "2"));
                sink.write(List.of(truncate, three));
                sink.flush();
            }
            try (Sink restarted = open(mode, Map.of())) { // after a crash the engine replays all of it
                restarted.write(List.of(one, two, deleteOne, truncate, three));
                restarted.flush();
                restarted.write(List.of(one, two)); // and a late retry of the oldest ones
                restarted.flush();
            }
            assertThat(redis.keys(target.name() + ":shop.orders:*")).as(mode).containsExactly(key(ORDERS, "3"));
            redis.deleteAll(target.name());
        }
    }

    @Test
    void hashValuesOfEveryLengthAndByteSurviveThePackedArguments() throws Exception {
        // the hash script gets its arguments as one MessagePack array: str formats 8/16/32 bit
        String nul = "a\u0000b\u00ffc\u20ac";
        String medium = "m".repeat(300);
        String large = "L".repeat(70_000);
        List<ChangeEvent> events = new java.util.ArrayList<>();
        for (long id = 1; id <= 40; id++) { // more than 15 and 65,535 array items are other formats too
            events.add(upsert(ORDERS, Row.of("id", id), Row.of("id", id, "nul", nul, "medium", medium,
                    "large", id == 1 ? large : "", "empty", "")));
        }
        try (Sink sink = open("hash", Map.of())) {
            sink.write(events);
            sink.flush();
        }
        Map<String, String> one = redis.jedis().hgetAll(key(ORDERS, "1"));
        assertThat(one).containsEntry("nul", nul).containsEntry("medium", medium).containsEntry("large", large)
                .containsEntry("empty", "");
        assertThat(redis.jedis().hget(key(ORDERS, "40"), "medium")).isEqualTo(medium);
    }

    @Test
    void aRowChangedManyTimesInOneBatchEndsAsItsLastChange() throws Exception {
        for (String mode : List.of("hash", "json")) {
            TableId table = TableId.of("shop", "hot_" + mode);
            List<ChangeEvent> events = new java.util.ArrayList<>();
            events.add(upsert(table, Row.of("id", 1L), Row.of("id", 1L, "status", "a", "note", "gone later")));
            events.add(delete(table, Row.of("id", 1L)));
            events.add(upsert(table, Row.of("id", 1L), Row.of("id", 1L, "status", "b", "note", "kept")));
            events.add(upsert(table, Row.of("id", 1L), Row.of("id", 1L, "status", "c", "note", Unchanged.VALUE)));
            events.add(upsert(table, Row.of("id", 2L), Row.of("id", 2L, "status", "x")));
            events.add(delete(table, Row.of("id", 2L)));
            try (Sink sink = open(mode, Map.of())) {
                sink.write(events);
                sink.flush();
                sink.write(events); // a replay of the whole batch changes nothing
                sink.flush();
            }
            List<Row> rows = mode.equals("hash") ? redis.hashRows(target.name(), table)
                    : redis.jsonRows(target.name(), table);
            assertThat(rows).as(mode).hasSize(1);
            assertThat(rows.get(0).asMap()).as(mode).containsEntry("status", "c").containsEntry("note", "kept");
        }
    }

    @Test
    void jsonMergeKeepsUnchangedColumnsExactly() throws Exception {
        long big = 9_007_199_254_740_993L; // not representable as a double: a cjson round trip would change it
        try (Sink sink = open("json", Map.of())) {
            sink.write(List.of(upsert(ORDERS, Row.of("id", 1L), Row.of("id", 1L, "status", "new", "big", big,
                    "doc", List.of(Map.of("a", "x,\"}]"), 2), "note", "kept \"as\" is"))));
            sink.flush();
            sink.write(List.of(upsert(ORDERS, Row.of("id", 1L), Row.of("id", 1L, "status", "paid",
                    "big", Unchanged.VALUE, "doc", Unchanged.VALUE, "note", Unchanged.VALUE))));
            sink.flush();
        }
        var json = RedisFixture.json(redis.jedis().get(key(ORDERS, "1")));
        assertThat(json.get("status").asText()).isEqualTo("paid");
        assertThat(json.get("big").asLong()).isEqualTo(big);
        assertThat(json.get("doc").toString()).isEqualTo("[{\"a\":\"x,\\\"}]\"},2]");
        assertThat(json.get("note").asText()).isEqualTo("kept \"as\" is");
    }

    @Test
    void aKeyOfAnotherTypeFailsOnlyItsEventAndNotRetriably() throws Exception {
        redis.jedis().set(key(ORDERS, "2"), "a string, not a hash");
        ChangeEvent ok = upsert(ORDERS, Row.of("id", 1L), Row.of("id", 1L, "status", "new"));
        ChangeEvent clash = upsert(ORDERS, Row.of("id", 2L), Row.of("id", 2L, "status", "new"));
        try (Sink sink = open("hash", Map.of())) {
            sink.write(List.of(ok, clash));
            Throwable thrown = catchThrowable(sink::flush);
            assertThat(thrown).isInstanceOf(PartialWriteException.class);
            PartialWriteException partial = (PartialWriteException) thrown;
            assertThat(partial.failures()).singleElement().satisfies(f -> {
                assertThat(f.event()).isSameAs(clash);
                assertThat(f.retriable()).isFalse();
                assertThat(f.reason()).contains("WRONGTYPE").contains("key-template");
            });
        }
        assertThat(redis.jedis().hget(key(ORDERS, "1"), "status")).isEqualTo("new");
    }

    @Test
    void aStreamKeyOfAnotherTypeFailsTheBatchBeforeAnythingIsAppended() throws Exception {
        redis.jedis().set(target.name() + ":cdc:shop.orders", "not a stream");
        try (Sink sink = open("stream", Map.of())) {
            sink.write(List.of(upsert(ORDERS, Row.of("id", 1L), Row.of("id", 1L))));
            Throwable thrown = catchThrowable(sink::flush);
            assertThat(thrown).isInstanceOf(CdcException.class).isNotInstanceOf(RetriableException.class)
                    .hasMessageContaining("WRONGTYPE");
        }
    }

    @Test
    void aFlushedScriptCacheIsReloaded() throws Exception {
        try (Sink sink = open("hash", Map.of())) {
            sink.write(List.of(upsert(ORDERS, Row.of("id", 1L), Row.of("id", 1L, "status", "a"))));
            sink.flush();
            redis.jedis().scriptFlush(); // as after a Redis restart
            sink.write(List.of(upsert(ORDERS, Row.of("id", 1L), Row.of("id", 1L, "status", "b"))));
            sink.flush();
        }
        assertThat(redis.jedis().hget(key(ORDERS, "1"), "status")).isEqualTo("b");
    }

    @Test
    void streamEntriesCarryTheEnvelopeAndStreamMaxlenTrims() throws Exception {
        try (Sink sink = open("stream", Map.of("stream-maxlen", 10, "format", "debezium"))) {
            for (int i = 0; i < 300; i++) {
                sink.write(List.of(upsert(ORDERS, Row.of("id", (long) i), Row.of("id", (long) i, "status", "s"))));
            }
            sink.flush();
        }
        List<Map<String, String>> entries = redis.stream(target.name() + ":cdc:shop.orders");
        assertThat(entries.size()).as("MAXLEN ~ 10 trims whole nodes").isLessThan(300);
        Map<String, String> last = entries.get(entries.size() - 1);
        assertThat(last).containsEntry("op", "u").containsEntry("table", "shop.orders").containsEntry("key", "{\"id\":299}");
        assertThat(RedisFixture.json(last.get("value")).get("after").get("id").asLong()).isEqualTo(299);
    }

    @Test
    void anUnreachableServerIsRetriable() {
        RedisSinkFactory factory = new RedisSinkFactory();
        Map<String, Object> options = new HashMap<>(RedisFixture.options(target.name(), "hash"));
        options.put("uri", "redis://127.0.0.1:1");
        options.put("password", "s3cret-value");
        Sink sink = factory.create(TestPluginContext.bind(factory, options, target, "redis"));
        Throwable thrown = catchThrowable(sink::open);
        assertThat(thrown).isInstanceOf(RetriableException.class).hasMessageContaining("127.0.0.1:1")
                .hasMessageNotContaining("s3cret-value");
    }
}
