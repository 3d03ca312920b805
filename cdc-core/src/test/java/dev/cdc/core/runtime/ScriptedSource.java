package dev.cdc.core.runtime;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;

import java.util.ArrayList;
import java.util.List;

/** A source that emits a fixed stream in batches, resuming after the checkpoint's sort key. */
final class ScriptedSource implements Source {
    private final List<? extends StreamEvent> events;
    private final int batch;

    ScriptedSource(List<? extends StreamEvent> events, int batch) {
        this.events = events;
        this.batch = batch;
    }

    @Override
    public void run(SourceContext context) throws Exception {
        List<StreamEvent> out = new ArrayList<>();
        for (StreamEvent e : events) {
            if (context.resumePosition().map(r -> e.position().compareTo(r) <= 0).orElse(false)) {
                continue;
            }
            out.add(e);
            if (out.size() == batch) {
                context.emit(out);
                out = new ArrayList<>();
            }
        }
        context.emit(out);
    }

    @Override
    public void commit(Position position) {
    }

    @Override
    public void close() {
    }
}
