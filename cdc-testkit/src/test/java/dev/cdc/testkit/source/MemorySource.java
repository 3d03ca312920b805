package dev.cdc.testkit.source;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.testkit.source.MemorySourceFactory.Defect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads a {@link MemoryDatabase}'s list from where it was opened (or after the resume position), polling. */
final class MemorySource implements Source {

    private final MemoryDatabase database;
    private final Defect defect;
    private int next;

    MemorySource(MemoryDatabase database, Defect defect) {
        this.database = database;
        this.defect = defect;
    }

    @Override
    public void open(SourceContext context) {
        int skip = defect == Defect.RESUMES_AT_CHECKPOINT ? 0 : 1;
        next = context.resumePosition().map(p -> Integer.parseInt(p.offset("sequence")) + skip)
                .orElse(database.size());
    }

    @Override
    public void run(SourceContext context) throws Exception {
        while (!context.isStopping() || defect == Defect.IGNORES_STOP) {
            List<ChangeEvent> batch = new ArrayList<>();
            for (MemoryDatabase.Change c : database.from(next)) {
                batch.add(toEvent(c, next++));
            }
            if (!batch.isEmpty()) {
                context.emit(batch);
            }
            Thread.sleep(5);
        }
    }

    private ChangeEvent toEvent(MemoryDatabase.Change c, int index) {
        Object id = defect == Defect.INTEGER_KEYS ? (Object) (int) c.id() : (Object) c.id();
        Row key = Row.of("id", id);
        Position position = Position.ofSequence(index);
        Instant now = Instant.now();
        return switch (c.operation()) {
            case CREATE -> ChangeEvent.insert(c.table(), key, row(id, c), now, position);
            case UPDATE -> ChangeEvent.update(c.table(), key, null, row(id, c), now, position);
            case DELETE -> ChangeEvent.delete(c.table(), key, null, now, position);
            default -> throw new IllegalStateException("no " + c.operation() + " in a memory database");
        };
    }

    private static Row row(Object id, MemoryDatabase.Change c) {
        return Row.of("id", id, "name", c.name(), "amount", c.amount());
    }

    @Override
    public void close() {
        // holds nothing
    }
}
