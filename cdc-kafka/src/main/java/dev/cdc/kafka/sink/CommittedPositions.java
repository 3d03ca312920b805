package dev.cdc.kafka.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.StreamEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an exactly-once {@code kafka} sink has committed: per table, the greatest
 * {@link dev.cdc.api.event.Position#sortKey()} of an event in a committed transaction. It is
 * written in each transaction (to the state topic), so it is committed exactly when the records
 * are; after a crash the events the source replays up to it are dropped instead of written again.
 * Per table because some sources order sort keys per table only. Not thread-safe (the lane's).
 *
 * <pre>{@code {"pipeline":"orders","sink":"events","tables":{"public.orders":"00000000016d0c0000000003"}}}</pre>
 */
final class CommittedPositions {

    private static final JsonFactory JSON = new JsonFactory();

    private final Map<String, String> tables;

    private CommittedPositions(Map<String, String> tables) {
        this.tables = tables;
    }

    static CommittedPositions empty() {
        return new CommittedPositions(new HashMap<>());
    }

    /**
     * Whether the event was committed already: its sort key is not greater than the table's. A
     * snapshot read never is (and never moves the mark): a snapshot resumed after a kill numbers its
     * rows differently from the killed run, so a mark of those numbers could drop a row that was
     * never written. Its rows are written again instead (duplicates of {@code r} records, no loss).
     */
    boolean covers(StreamEvent event) {
        if (isSnapshotRead(event)) {
            return false;
        }
        String sortKey = event.position().sortKey();
        String committed = tables.get(event.table().toString());
        return !sortKey.isEmpty() && committed != null && sortKey.compareTo(committed) <= 0;
    }

    /** A copy that also covers the event. */
    CommittedPositions with(StreamEvent event) {
        String sortKey = event.position().sortKey();
        if (sortKey.isEmpty() || isSnapshotRead(event) || covers(event)) {
            return this;
        }
        Map<String, String> copy = new HashMap<>(tables);
        copy.put(event.table().toString(), sortKey);
        return new CommittedPositions(copy);
    }

    private static boolean isSnapshotRead(StreamEvent event) {
        return event instanceof ChangeEvent c && c.operation() == Operation.READ;
    }

    byte[] encode(String pipeline, String sink) {
        ByteArrayBuilder out = new ByteArrayBuilder(64 + 48 * tables.size());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("pipeline", pipeline);
            g.writeStringField("sink", sink);
            g.writeObjectFieldStart("tables");
            for (Map.Entry<String, String> e : new TreeMap<>(tables).entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * @throws IllegalArgumentException when the bytes are not what {@link #encode} writes
     */
    static CommittedPositions decode(byte[] json) {
        Map<String, String> tables = new HashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("tables") && t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String table = p.currentName();
                        p.nextToken();
                        tables.put(table, p.getValueAsString());
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
        return new CommittedPositions(tables);
    }

    @Override
    public String toString() {
        return new TreeMap<>(tables).toString();
    }
}
