package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A source that can backfill an in-memory table {@code shop.items} with keys 1..rows: it first
 * emits its script (live events, numbered after the checkpoint), then runs the requests of
 * {@link SourceContext#backfills()} in chunks (READ events carrying the backfill headers, each
 * chunk reported through {@link SourceContext#backfillChunk}), a live update between chunks.
 * Finite: returns when no backfill is left, unless {@code stopAfterChunks} is reached, then it
 * waits until the pipeline stops.
 */
final class BackfillSource implements Source {
    static final TableId ITEMS = TableId.of("shop", "items");

    private final int rows;
    private final int chunk;
    private final List<ChangeEvent> script;
    private final int stopAfterChunks;
    private final boolean canBackfill;
    /** The first key of each chunk read, per request id. */
    final Map<String, List<Integer>> chunkStarts = new ConcurrentHashMap<>();
    final List<String> unknown = new CopyOnWriteArrayList<>();
    /** Pause after each chunk, so that a lane takes each chunk in a write of its own. */
    volatile long pauseMillis;

    BackfillSource(int rows, int chunk, List<ChangeEvent> script, int stopAfterChunks, boolean canBackfill) {
        this.rows = rows;
        this.chunk = chunk;
        this.script = script;
        this.stopAfterChunks = stopAfterChunks;
        this.canBackfill = canBackfill;
    }

    static ChangeEvent row(TableId table, Object id, Object... more) {
        Object[] cols = new Object[2 + more.length];
        cols[0] = "id";
        cols[1] = id;
        System.arraycopy(more, 0, cols, 2, more.length);
        return ChangeEvent.insert(table, Row.of("id", id), Row.of(cols), Instant.now(), Position.ofSequence(0));
    }

    @Override
    public boolean canBackfill() {
        return canBackfill;
    }

    @Override
    public void run(SourceContext context) throws Exception {
        long[] seq = {context.resumePosition().map(p -> Long.parseLong(p.offset("sequence")) + 1).orElse(0L)};
        for (ChangeEvent e : script) {
            context.emit(e.withPosition(Position.ofSequence(seq[0]++)));
        }
        Map<String, Integer> cursor = new ConcurrentHashMap<>();
        int chunks = 0;
        while (!context.isStopping()) {
            List<BackfillRequest> todo = context.backfills();
            if (chunks >= stopAfterChunks) {
                Thread.sleep(5);
                continue;
            }
            if (todo.isEmpty()) {
                return;
            }
            BackfillRequest r = todo.get(0);
            if (!r.table().equals(ITEMS)) {
                unknown.add(r.id());
                context.backfillFailed(r.id(), "table " + r.table() + " is not captured");
                continue;
            }
            int from = cursor.computeIfAbsent(r.id(), id -> r.resumeAfter().map(k -> Integer.parseInt(k.get(0)))
                    .orElse(0));
            int to = Math.min(from + chunk, rows);
            chunkStarts.computeIfAbsent(r.id(), id -> new CopyOnWriteArrayList<>()).add(from + 1);
            List<StreamEvent> events = new ArrayList<>();
            events.add(ChangeEvent.update(ITEMS, Row.of("id", 1), Row.of("id", 1, "v", "old"), Row.of("id", 1, "v",
                    "live"), Instant.now(), Position.ofSequence(seq[0]++)));
            for (int k = from + 1; k <= to; k++) {
                ChangeEvent e = ChangeEvent.read(ITEMS, Row.of("id", k), Row.of("id", k, "v", "backfilled"),
                        Instant.now(), Position.ofSequence(seq[0]++)).withHeader(BackfillRequest.ID_HEADER, r.id());
                if (!r.sinks().isEmpty()) {
                    e = e.withHeader(BackfillRequest.SINKS_HEADER, String.join(",", r.sinks()));
                }
                events.add(e);
            }
            context.emit(events);
            Position at = events.get(events.size() - 1).position();
            context.backfillChunk(r.id(), List.of(Integer.toString(to)), at, to - from, rows, to >= rows);
            cursor.put(r.id(), to);
            chunks++;
            Thread.sleep(pauseMillis);
        }
    }

    @Override
    public void commit(Position position) {
    }

    @Override
    public void close() {
    }
}
