package dev.cdc.core.spec;

import dev.cdc.api.spi.Filter;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.Transformer;
import dev.cdc.schema.compatibility.SchemaPolicy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One sink of a pipeline with everything its lane needs.
 *
 * @param name       the sink's unique name in the pipeline
 * @param sink       the sink plugin
 * @param retry      its retry policy
 * @param onFailure  what happens once retries are spent
 * @param deadLetter where dead letters go (required when {@code onFailure} is DEAD_LETTER)
 * @param filters    this sink's own filters, after the pipeline's
 * @param transforms this sink's own transforms, after the pipeline's
 * @param batchSize  the most events handed to one {@code write}
 * @param queueCapacity the most events waiting in this sink's lane
 * @param schemaPolicy what the lane does when a table's schema changes; empty when not configured,
 *                     which means {@link SchemaPolicy#DEFAULT}
 * @param backlog    the lane's on-disk backlog and its budget
 */
public record SinkSpec(String name, PluginSpec<Sink> sink, RetrySettings retry, FailurePolicy onFailure,
                       Optional<PluginSpec<Sink>> deadLetter, List<PluginSpec<Filter>> filters,
                       List<PluginSpec<Transformer>> transforms, int batchSize, int queueCapacity,
                       Optional<SchemaPolicy> schemaPolicy, BacklogSettings backlog) {

    /** A sink with the default backlog. */
    public SinkSpec(String name, PluginSpec<Sink> sink, RetrySettings retry, FailurePolicy onFailure,
                    Optional<PluginSpec<Sink>> deadLetter, List<PluginSpec<Filter>> filters,
                    List<PluginSpec<Transformer>> transforms, int batchSize, int queueCapacity,
                    Optional<SchemaPolicy> schemaPolicy) {
        this(name, sink, retry, onFailure, deadLetter, filters, transforms, batchSize, queueCapacity, schemaPolicy,
                BacklogSettings.DEFAULT);
    }

    /** A sink with the default schema policy. */
    public SinkSpec(String name, PluginSpec<Sink> sink, RetrySettings retry, FailurePolicy onFailure,
                    Optional<PluginSpec<Sink>> deadLetter, List<PluginSpec<Filter>> filters,
                    List<PluginSpec<Transformer>> transforms, int batchSize, int queueCapacity) {
        this(name, sink, retry, onFailure, deadLetter, filters, transforms, batchSize, queueCapacity, Optional.empty());
    }

    public SinkSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(onFailure, "onFailure");
        Objects.requireNonNull(deadLetter, "deadLetter");
        filters = List.copyOf(filters);
        transforms = List.copyOf(transforms);
        Objects.requireNonNull(schemaPolicy, "schemaPolicy");
        Objects.requireNonNull(backlog, "backlog");
        if (onFailure == FailurePolicy.DEAD_LETTER && deadLetter.isEmpty()) {
            throw new IllegalArgumentException("sink '" + name + "' has on-failure: dead-letter but no dead-letter target");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("sink '" + name + "' batch-size was " + batchSize + " but it must be >= 1");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("sink '" + name + "' queue-capacity was " + queueCapacity
                    + " but it must be >= 1");
        }
    }

    /** The same sink with another backlog. */
    public SinkSpec withBacklog(BacklogSettings settings) {
        return new SinkSpec(name, sink, retry, onFailure, deadLetter, filters, transforms, batchSize, queueCapacity,
                schemaPolicy, settings);
    }

    /** The schema policy in effect: the configured one, else {@link SchemaPolicy#DEFAULT}. */
    public SchemaPolicy effectiveSchemaPolicy() {
        return schemaPolicy.orElse(SchemaPolicy.DEFAULT);
    }
}
