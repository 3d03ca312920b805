package dev.cdc.plugins.sink;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.spi.PluginMetrics;
import dev.cdc.api.spi.Sink;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drops every event and counts it, after waiting {@code delay-per-batch} per write (a slow sink for
 * benchmarks). Writes come from one lane thread; the counts may be read from any thread.
 */
public final class DiscardSink implements Sink {

    private final PluginMetrics.Counter counter;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong schemaChanges = new AtomicLong();
    private final long delayNanos;

    DiscardSink(PluginMetrics.Counter counter, Duration delayPerBatch) {
        this.counter = counter;
        this.delayNanos = delayPerBatch.toNanos();
    }

    @Override
    public void write(List<ChangeEvent> batch) throws InterruptedException {
        if (delayNanos > 0) {
            TimeUnit.NANOSECONDS.sleep(delayNanos);
        }
        events.addAndGet(batch.size());
        counter.increment(batch.size());
    }

    /** Accepts every schema change (and does nothing with it). */
    @Override
    public Set<SchemaChangeKind> supportedSchemaChanges() {
        return EnumSet.allOf(SchemaChangeKind.class);
    }

    @Override
    public void applySchemaChange(SchemaChangeEvent change) {
        schemaChanges.incrementAndGet();
    }

    /** Row events received so far. */
    public long eventCount() {
        return events.get();
    }

    /** Schema changes received so far. */
    public long schemaChangeCount() {
        return schemaChanges.get();
    }

    @Override
    public void close() {
    }
}
