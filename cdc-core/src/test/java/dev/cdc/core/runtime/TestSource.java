package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A deterministic source for runtime tests: event n is an upsert of key n % keys at Position.ofSequence(n). */
final class TestSource implements Source {
    static final TableId TABLE = TableId.of("test", "items");

    final long count;
    final int batch;
    final int keys;
    final List<Position> commits = new CopyOnWriteArrayList<>();
    volatile long emitted;
    volatile boolean closed;

    TestSource(long count, int batch, int keys) {
        this.count = count;
        this.batch = batch;
        this.keys = keys;
    }

    static ChangeEvent event(long n, int keys) {
        long k = n % keys;
        Row key = Row.of("id", k);
        Row after = Row.of("id", k, "seq", n);
        Position p = Position.ofSequence(n);
        return n < keys ? ChangeEvent.insert(TABLE, key, after, Instant.now(), p)
                : ChangeEvent.update(TABLE, key, null, after, Instant.now(), p);
    }

    @Override
    public void run(SourceContext context) throws Exception {
        long n = context.resumePosition().map(p -> Long.parseLong(p.offset("sequence")) + 1).orElse(0L);
        while (!context.isStopping() && (count <= 0 || n < count)) {
            List<ChangeEvent> out = new ArrayList<>();
            for (int i = 0; i < batch && (count <= 0 || n < count); i++, n++) {
                out.add(event(n, keys));
            }
            context.emit(out);
            emitted = n;
        }
    }

    @Override
    public void commit(Position position) {
        commits.add(position);
    }

    @Override
    public void close() {
        closed = true;
    }
}
