package dev.cdc.sink.redis;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.verify.SinkReader;
import dev.cdc.api.verify.StoredRow;
import dev.cdc.format.CanonicalJson;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The {@code redis} sink read back for {@code cdc verify}, in the row modes: a row's key is the
 * sink's ({@link RowKeys#key}); what the sink would store is its own encoding of the row (hash
 * mode: one field per non-NULL column, {@link RedisValues#text}; json mode:
 * {@link RedisValues#jsonRow}); stored rows are read pipelined ({@code HGETALL} / {@code GET}),
 * the sink's {@code __cdc_sort_key} kept apart as the row's version; a table's keys are listed
 * with {@code SCAN MATCH} on the key template's pattern, the sink's metadata keys left out. Both
 * sides are compared as {@link CanonicalJson}. Threads as {@link SinkReader} says: {@link #id} and
 * {@link #expected} (one encoding thread) read only what {@link #open} set, never the connection,
 * which only the reading methods use.
 */
final class RedisReadBack implements SinkReader {

    private static final String MARK = "\u0000";

    private final RedisEndpoint endpoint;
    private final RedisMode mode;
    private final RowKeys rowKeys;
    private final RedisValues values;
    private final String metadataPrefix;
    private final int scanCount;
    private Jedis jedis;

    RedisReadBack(RedisEndpoint endpoint, RedisMode mode, RowKeys rowKeys, RedisValues values, String metadataPrefix,
                  int scanCount) {
        this.endpoint = endpoint;
        this.mode = mode;
        this.rowKeys = rowKeys;
        this.values = values;
        this.metadataPrefix = metadataPrefix;
        this.scanCount = scanCount;
    }

    @Override
    public void open() {
        jedis = endpoint.connect();
    }

    @Override
    public String id(ChangeEvent row) {
        return rowKeys.key(row);
    }

    @Override
    public String expected(ChangeEvent row) {
        if (mode == RedisMode.JSON) {
            return CanonicalJson.of(values.jsonRow(row.after().orElseThrow(), JsonRows.SORT_KEY_FIELD, ""),
                    Set.of(JsonRows.SORT_KEY_FIELD));
        }
        Map<String, String> fields = new TreeMap<>();
        row.after().orElseThrow().asMap().forEach((c, v) -> {
            if (v != null) {
                fields.put(c, values.text(v));
            }
        });
        return CanonicalJson.ofTexts(fields);
    }

    @Override
    public Map<String, StoredRow> stored(TableId table, Collection<String> ids) {
        Map<String, Response<?>> replies = new LinkedHashMap<>();
        Pipeline p = jedis.pipelined();
        for (String id : ids) {
            replies.put(id, mode == RedisMode.JSON ? p.get(id) : p.hgetAll(id));
        }
        p.sync();
        Map<String, StoredRow> found = new HashMap<>();
        replies.forEach((id, reply) -> {
            Object v = reply.get();
            if (v instanceof String json) {
                byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
                String sortKey = CanonicalJson.field(bytes, JsonRows.SORT_KEY_FIELD).orElse(null);
                found.put(id, new StoredRow(id, canonicalOrText(bytes), Optional.ofNullable(sortKey)));
            } else if (v instanceof Map<?, ?> hash && !hash.isEmpty()) {
                Map<String, String> fields = new TreeMap<>();
                hash.forEach((k, t) -> fields.put((String) k, (String) t));
                Optional<String> sortKey = Optional.ofNullable(fields.remove(JsonRows.SORT_KEY_FIELD));
                found.put(id, new StoredRow(id, CanonicalJson.ofTexts(fields), sortKey));
            }
        });
        return found;
    }

    /** A stored value that is not JSON (written by someone else) still compares, as its text. */
    private static String canonicalOrText(byte[] json) {
        try {
            return CanonicalJson.of(json, Set.of(JsonRows.SORT_KEY_FIELD));
        } catch (IllegalArgumentException e) {
            return new String(json, StandardCharsets.UTF_8);
        }
    }

    @Override
    public void forEachId(TableId table, Consumer<List<String>> batch) {
        ScanParams params = new ScanParams().match(rowKeys.pattern(table)).count(scanCount);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            List<String> ids = new ArrayList<>();
            for (String key : page.getResult()) {
                if (!key.startsWith(metadataPrefix) && encodedKey(table, key).isPresent()) {
                    ids.add(key);
                }
            }
            if (!ids.isEmpty()) {
                batch.accept(ids);
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }

    @Override
    public Optional<List<String>> keyOf(TableId table, String id, int keyColumns) {
        return encodedKey(table, id).map(RedisReadBack::decodeKey).filter(k -> k.size() == keyColumns);
    }

    /** The ${key} part of a key the template gives rows of the table; empty for another key. */
    private Optional<String> encodedKey(TableId table, String key) {
        String marked = rowKeys.template().render(table, MARK);
        int at = marked.indexOf(MARK);
        if (at != marked.lastIndexOf(MARK)) {
            return Optional.empty(); // ${key} twice: not inverted
        }
        String prefix = marked.substring(0, at);
        String suffix = marked.substring(at + 1);
        if (!key.startsWith(prefix) || !key.endsWith(suffix) || key.length() < prefix.length() + suffix.length()) {
            return Optional.empty();
        }
        return Optional.of(key.substring(prefix.length(), key.length() - suffix.length()));
    }

    /** The inverse of {@link KeyTemplate#encodeKey}: split at unescaped ':', '\' escapes dropped. */
    static List<String> decodeKey(String encoded) {
        List<String> parts = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '\\' && i + 1 < encoded.length()) {
                sb.append(encoded.charAt(++i));
            } else if (c == ':') {
                parts.add(sb.toString());
                sb.setLength(0);
            } else {
                sb.append(c);
            }
        }
        parts.add(sb.toString());
        return parts;
    }

    @Override
    public void close() {
        if (jedis != null) {
            jedis.close();
            jedis = null;
        }
    }
}
