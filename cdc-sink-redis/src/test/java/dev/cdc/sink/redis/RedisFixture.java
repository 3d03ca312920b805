package dev.cdc.sink.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import dev.cdc.testkit.sink.LogEntry;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.StreamEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what the sink wrote straight from the real Redis (bypassing the sink), and removes it.
 * Each test names its keys after its {@link dev.cdc.testkit.fixture.TestTarget}: key-template
 * {@code <target>:${table}:${key}}, stream-template {@code <target>:cdc:${table}}, metadata-prefix
 * {@code <target>:__cdc:}, so one SCAN of {@code <target>:*} finds everything a test made.
 */
final class RedisFixture implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final Jedis jedis;

    RedisFixture() {
        Services.requireReachable(Service.REDIS);
        URI uri = URI.create(Services.redisUri());
        jedis = new Jedis(uri.getHost(), uri.getPort());
    }

    Jedis jedis() {
        return jedis;
    }

    /** Options for one mode, with every key under the prefix. */
    static Map<String, Object> options(String prefix, String mode) {
        Map<String, Object> options = new HashMap<>();
        options.put("uri", Services.redisUri());
        options.put("mode", mode);
        options.put("metadata-prefix", prefix + ":__cdc:");
        if (mode.equals("stream")) {
            options.put("stream-template", prefix + ":cdc:${table}");
        } else {
            options.put("key-template", prefix + ":${table}:${key}");
        }
        return options;
    }

    List<String> keys(String pattern) {
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(pattern).count(1000));
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }

    /** The rows of a table in hash mode, without the sink's own field. */
    List<Row> hashRows(String prefix, TableId table) {
        List<Row> rows = new ArrayList<>();
        for (String key : keys(prefix + ":" + table + ":*")) {
            Map<String, String> fields = jedis.hgetAll(key);
            Row.Builder row = Row.builder();
            fields.forEach((k, v) -> {
                if (!k.equals("__cdc_sort_key")) {
                    row.put(k, v);
                }
            });
            rows.add(row.build());
        }
        return rows;
    }

    /** The rows of a table in json mode, without the sink's own field. */
    List<Row> jsonRows(String prefix, TableId table) {
        List<Row> rows = new ArrayList<>();
        for (String key : keys(prefix + ":" + table + ":*")) {
            String value = jedis.get(key);
            if (value != null) {
                Row.Builder row = Row.builder();
                json(value).fields().forEachRemaining(f -> {
                    if (!f.getKey().equals("__cdc_sort_key")) {
                        row.put(f.getKey(), scalar(f.getValue()));
                    }
                });
                rows.add(row.build());
            }
        }
        return rows;
    }

    /** Every row entry of every stream under the prefix, stream by stream, in order. */
    List<LogEntry> streamEntries(String prefix) {
        List<LogEntry> entries = new ArrayList<>();
        for (String stream : keys(prefix + ":cdc:*")) {
            for (StreamEntry e : jedis.xrange(stream, (StreamEntryID) null, (StreamEntryID) null)) {
                if (!"schema".equals(e.getFields().get("op"))) { // schema changes are not row events
                    entries.add(logEntry(e.getFields().get("value")));
                }
            }
        }
        return entries;
    }

    /** The entries of one stream, as their raw fields. */
    List<Map<String, String>> stream(String key) {
        return jedis.xrange(key, (StreamEntryID) null, (StreamEntryID) null).stream().map(StreamEntry::getFields)
                .toList();
    }

    static LogEntry logEntry(String envelope) {
        JsonNode n = json(envelope);
        Optional<Row> after = Optional.empty();
        if (n.hasNonNull("after")) {
            Row.Builder row = Row.builder();
            n.get("after").fields().forEachRemaining(f -> row.put(f.getKey(), scalar(f.getValue())));
            if (n.has("unchanged")) {
                n.get("unchanged").forEach(c -> row.put(c.asText(), Unchanged.VALUE));
            }
            after = Optional.of(row.build());
        }
        Row.Builder key = Row.builder();
        n.get("key").fields().forEachRemaining(f -> key.put(f.getKey(), scalar(f.getValue())));
        return new LogEntry(Operation.parse(n.get("op").asText()), TableId.parse(n.get("table").asText()),
                key.build(), after);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    private static Object scalar(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return v.decimalValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        return v.isTextual() ? v.asText() : v.toString();
    }

    /** Removes every key under the prefix. */
    void deleteAll(String prefix) {
        List<String> keys = keys(prefix + ":*");
        for (Iterator<String> it = keys.iterator(); it.hasNext(); ) {
            jedis.unlink(it.next());
        }
    }

    @Override
    public void close() {
        jedis.close();
    }
}
