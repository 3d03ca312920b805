package dev.cdc.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The engine's metrics for one pipeline. Every meter has the tag {@code pipeline}; per-sink
 * meters also {@code sink}. Names (Prometheus adds {@code _total}, {@code _seconds} suffixes):
 * <ul>
 *   <li>{@code cdc.events.captured}, {@code cdc.events.filtered}, {@code cdc.events.processed}</li>
 *   <li>{@code cdc.sink.events.written}, {@code .filtered}, {@code .failed}, {@code .dead.lettered},
 *   {@code .skipped}, {@code cdc.sink.retries}, {@code cdc.sink.queue.depth}, {@code cdc.sink.lag.seconds},
 *   {@code cdc.sink.write} (timer)</li>
 *   <li>{@code cdc.checkpoint.commits}, {@code cdc.checkpoint.age.seconds}, {@code cdc.checkpoint.events},
 *   {@code cdc.checkpoint.failures}</li>
 *   <li>{@code cdc.pipeline.state} (0 created .. 6 failed), {@code cdc.pipeline.lag.alert} (1 while alerting)</li>
 *   <li>{@code cdc.snapshot.rows.read}, {@code cdc.snapshot.rows.estimated} (per {@code table})</li>
 *   <li>{@code cdc.schema.changes} (per {@code sink}, {@code table} and {@code outcome}: {@code applied},
 *   {@code ignored}, {@code stopped})</li>
 * </ul>
 */
public final class PipelineMetrics {

    private final MeterRegistry registry;
    private final Tags tags;
    public final Counter captured;
    public final Counter filtered;
    public final Counter processed;
    public final Counter checkpointCommits;
    public final Counter checkpointFailures;

    public PipelineMetrics(MeterRegistry registry, String pipeline) {
        this.registry = registry;
        this.tags = Tags.of("pipeline", pipeline);
        captured = counter("cdc.events.captured", "Events the source emitted");
        filtered = counter("cdc.events.filtered", "Events dropped by pipeline-wide filters and transforms");
        processed = counter("cdc.events.processed", "Events handed to the sink lanes");
        checkpointCommits = counter("cdc.checkpoint.commits", "Checkpoints committed");
        checkpointFailures = counter("cdc.checkpoint.failures", "Checkpoint saves that failed");
    }

    public MeterRegistry registry() {
        return registry;
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    public <T> void gauge(String name, String description, T target, ToDoubleFunction<T> f, String... extraTags) {
        Gauge.builder(name, target, f).description(description).tags(tags.and(extraTags)).register(registry);
    }

    public void gauge(String name, String description, Supplier<Number> value, String... extraTags) {
        Gauge.builder(name, value).description(description).tags(tags.and(extraTags)).strongReference(true)
                .register(registry);
    }

    /** The meters of one sink lane. */
    public SinkMetrics sink(String sink) {
        return new SinkMetrics(sink);
    }

    /** Per-sink meters. */
    public final class SinkMetrics {
        public final Counter written;
        public final Counter filtered;
        public final Counter failed;
        public final Counter deadLettered;
        public final Counter skipped;
        public final Counter retries;
        public final Timer write;
        private final Tags sinkTags;

        private SinkMetrics(String sink) {
            sinkTags = tags.and("sink", sink);
            written = c("cdc.sink.events.written", "Events written and acknowledged by the sink");
            filtered = c("cdc.sink.events.filtered", "Events dropped by this sink's own filters and transforms");
            failed = c("cdc.sink.events.failed", "Events whose retries were spent");
            deadLettered = c("cdc.sink.events.dead.lettered", "Events sent to the dead-letter target");
            skipped = c("cdc.sink.events.skipped", "Events skipped by the skip failure policy");
            retries = c("cdc.sink.retries", "Retry attempts of failed writes");
            write = Timer.builder("cdc.sink.write").description("Time to write and flush one batch")
                    .tags(sinkTags).register(registry);
        }

        private Counter c(String name, String description) {
            return Counter.builder(name).description(description).tags(sinkTags).register(registry);
        }

        /** Counts one schema change of {@code table} with its outcome: applied, ignored or stopped. */
        public void schemaChange(String table, String outcome) {
            Counter.builder("cdc.schema.changes").description("Schema changes that reached the sink, by outcome")
                    .tags(sinkTags.and("table", table, "outcome", outcome)).register(registry).increment();
        }

        public <T> void gauge(String name, String description, T target, ToDoubleFunction<T> f) {
            Gauge.builder(name, target, f).description(description).tags(sinkTags).register(registry);
        }
    }
}
