package dev.cdc.core.pipeline;

import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.SinkSpec;
import dev.cdc.core.spec.PluginSpec;
import dev.cdc.core.spec.BacklogSettings;
import dev.cdc.core.spec.EngineSettings;
import dev.cdc.core.spec.MetricsSettings;
import dev.cdc.core.spec.RetrySettings;
import dev.cdc.core.spec.FailurePolicy;
import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.spi.CheckpointStore;
import dev.cdc.api.spi.Filter;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.Transformer;
import dev.cdc.core.config.PipelineLoader;
import dev.cdc.core.plugin.PluginKind;
import dev.cdc.core.plugin.PluginRegistry;
import dev.cdc.schema.compatibility.SchemaPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Builds a pipeline in code: plugins by type name and options (validated exactly as in YAML) or
 * as instances. Every problem is reported at once by {@link #build()} in a
 * {@link ConfigurationException}.
 *
 * <pre>{@code
 * Pipeline p = Pipeline.builder("orders")
 *         .source("generator", Map.of("count", 1000))
 *         .filter("table", Map.of("include", List.of("demo.*")))
 *         .sink("out", "file", Map.of("path", "out/orders.jsonl"), s -> s.onFailure(FailurePolicy.SKIP))
 *         .checkpoint("file", Map.of("path", "state/orders"))
 *         .build();
 * }</pre>
 */
public final class PipelineBuilder {

    private final String name;
    private PluginRegistry registry;
    private final List<ConfigProblem> problems = new ArrayList<>();
    private final List<Supplier<Object>> deferred = new ArrayList<>();
    private Supplier<PluginSpec<Source>> source;
    private final List<Supplier<PluginSpec<Filter>>> filters = new ArrayList<>();
    private final List<Supplier<PluginSpec<Transformer>>> transforms = new ArrayList<>();
    private final List<SinkBuilder> sinks = new ArrayList<>();
    private Supplier<PluginSpec<CheckpointStore>> checkpoint;
    private Optional<Path> stateDirectory = Optional.empty();
    private EngineSettings engine = EngineSettings.DEFAULT;
    private MetricsSettings metrics = MetricsSettings.DEFAULT;

    PipelineBuilder(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** The plugins to look types up in; by default those found by ServiceLoader on the class path. */
    public PipelineBuilder registry(PluginRegistry pluginRegistry) {
        this.registry = pluginRegistry;
        return this;
    }

    public PipelineBuilder source(String type, Map<String, ?> options) {
        source = () -> bind(PluginKind.SOURCE, type, options, "source");
        return this;
    }

    public PipelineBuilder source(Source instance) {
        source = () -> PluginSpec.ofInstance("source", instance);
        return this;
    }

    /** A pipeline-wide filter, after those added before. */
    public PipelineBuilder filter(String type, Map<String, ?> options) {
        int i = filters.size();
        filters.add(() -> bind(PluginKind.FILTER, type, options, "filters[" + i + "]"));
        return this;
    }

    public PipelineBuilder filter(Filter instance) {
        int i = filters.size();
        filters.add(() -> PluginSpec.ofInstance("filters[" + i + "]", instance));
        return this;
    }

    /** A pipeline-wide transform, after those added before (and after every filter). */
    public PipelineBuilder transform(String type, Map<String, ?> options) {
        int i = transforms.size();
        transforms.add(() -> bind(PluginKind.TRANSFORM, type, options, "transforms[" + i + "]"));
        return this;
    }

    public PipelineBuilder transform(Transformer instance) {
        int i = transforms.size();
        transforms.add(() -> PluginSpec.ofInstance("transforms[" + i + "]", instance));
        return this;
    }

    public PipelineBuilder sink(String sinkName, String type, Map<String, ?> options) {
        return sink(sinkName, type, options, s -> { });
    }

    /** A sink by type; {@code settings} sets its retry, failure policy, own filters and transforms. */
    public PipelineBuilder sink(String sinkName, String type, Map<String, ?> options, Consumer<SinkBuilder> settings) {
        SinkBuilder b = new SinkBuilder(sinkName, () -> bind(PluginKind.SINK, type, options, sinkName));
        settings.accept(b);
        sinks.add(b);
        return this;
    }

    public PipelineBuilder sink(String sinkName, Sink instance) {
        return sink(sinkName, instance, s -> { });
    }

    public PipelineBuilder sink(String sinkName, Sink instance, Consumer<SinkBuilder> settings) {
        SinkBuilder b = new SinkBuilder(sinkName, () -> PluginSpec.ofInstance(sinkName, instance));
        settings.accept(b);
        sinks.add(b);
        return this;
    }

    /** The checkpoint store; by default {@code file} at {@code ./state/<pipeline>}, as in YAML. */
    public PipelineBuilder checkpoint(String type, Map<String, ?> options) {
        checkpoint = () -> bind(PluginKind.CHECKPOINT, type, options, "checkpoint");
        if (type.equals("file") && options.get("path") != null) {
            stateDirectory = Optional.of(Path.of(String.valueOf(options.get("path"))));
        }
        return this;
    }

    public PipelineBuilder checkpoint(CheckpointStore instance) {
        checkpoint = () -> PluginSpec.ofInstance("checkpoint", instance);
        return this;
    }

    /** Where plugins may keep durable state (by default the file checkpoint's directory). */
    public PipelineBuilder stateDirectory(Path directory) {
        stateDirectory = Optional.of(directory);
        return this;
    }

    public PipelineBuilder engine(EngineSettings settings) {
        engine = Objects.requireNonNull(settings);
        return this;
    }

    public PipelineBuilder metrics(MetricsSettings settings) {
        metrics = Objects.requireNonNull(settings);
        return this;
    }

    /**
     * Validates and returns the spec.
     *
     * @throws ConfigurationException with every problem found
     */
    public PipelineSpec buildSpec() {
        problems.clear();
        if (registry == null) {
            registry = PluginRegistry.discover(Thread.currentThread().getContextClassLoader());
        }
        if (source == null) {
            problems.add(ConfigProblem.of("source", "is required but missing: call source(...)"));
        }
        if (sinks.isEmpty()) {
            problems.add(ConfigProblem.of("sinks", "needs at least one sink: call sink(...)"));
        }
        PluginSpec<Source> sourceSpec = source == null ? null : collect(source);
        List<PluginSpec<Filter>> filterSpecs = collectAll(filters);
        List<PluginSpec<Transformer>> transformSpecs = collectAll(transforms);
        if (checkpoint == null) {
            checkpoint("file", Map.of("path", "./state/" + name));
        }
        PluginSpec<CheckpointStore> checkpointSpec = collect(checkpoint);
        List<SinkSpec> sinkSpecs = new ArrayList<>();
        for (SinkBuilder b : sinks) {
            SinkSpec s = b.spec();
            if (s != null) {
                sinkSpecs.add(s);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(List.copyOf(problems));
        }
        try {
            return new PipelineSpec(name, sourceSpec, filterSpecs, transformSpecs, sinkSpecs, checkpointSpec,
                    stateDirectory, engine, metrics);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }

    /** Validates and creates the pipeline (not started), with an in-memory metrics registry. */
    public Pipeline build() {
        return build(new SimpleMeterRegistry());
    }

    public Pipeline build(MeterRegistry meterRegistry) {
        return Pipeline.create(buildSpec(), meterRegistry);
    }

    private <T> PluginSpec<T> bind(PluginKind kind, String type, Map<String, ?> options, String instance) {
        return new PipelineLoader(registry).bind(kind, type, options, instance);
    }

    private <T> T collect(Supplier<T> supplier) {
        try {
            return supplier.get();
        } catch (ConfigurationException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    private <T> List<T> collectAll(List<Supplier<T>> suppliers) {
        List<T> out = new ArrayList<>();
        for (Supplier<T> s : suppliers) {
            T t = collect(s);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * One sink's settings. Defaults: the default retry policy, {@code fail}, the engine's batch size and queue
     * capacity, {@link SchemaPolicy#DEFAULT}.
     */
    public final class SinkBuilder {
        private final String sinkName;
        private final Supplier<PluginSpec<Sink>> sink;
        private RetrySettings retry = RetrySettings.DEFAULT;
        private FailurePolicy onFailure = FailurePolicy.FAIL;
        private Supplier<PluginSpec<Sink>> deadLetter;
        private final List<Supplier<PluginSpec<Filter>>> sinkFilters = new ArrayList<>();
        private final List<Supplier<PluginSpec<Transformer>>> sinkTransforms = new ArrayList<>();
        private Integer batchSize;
        private Integer queueCapacity;
        private BacklogSettings backlog = BacklogSettings.DEFAULT;
        private SchemaPolicy schemaPolicy;

        private SinkBuilder(String sinkName, Supplier<PluginSpec<Sink>> sink) {
            this.sinkName = sinkName;
            this.sink = sink;
        }

        public SinkBuilder retry(RetrySettings settings) {
            retry = Objects.requireNonNull(settings);
            return this;
        }

        public SinkBuilder onFailure(FailurePolicy policy) {
            onFailure = Objects.requireNonNull(policy);
            return this;
        }

        /** Where dead letters go (with {@link FailurePolicy#DEAD_LETTER}); any sink type. */
        public SinkBuilder deadLetter(String type, Map<String, ?> options) {
            deadLetter = () -> bind(PluginKind.SINK, type, options, sinkName + ".dead-letter");
            return this;
        }

        public SinkBuilder deadLetter(Sink instance) {
            deadLetter = () -> PluginSpec.ofInstance(sinkName + ".dead-letter", instance);
            return this;
        }

        public SinkBuilder filter(String type, Map<String, ?> options) {
            int i = sinkFilters.size();
            sinkFilters.add(() -> bind(PluginKind.FILTER, type, options, sinkName + ".filters[" + i + "]"));
            return this;
        }

        public SinkBuilder transform(String type, Map<String, ?> options) {
            int i = sinkTransforms.size();
            sinkTransforms.add(() -> bind(PluginKind.TRANSFORM, type, options, sinkName + ".transforms[" + i + "]"));
            return this;
        }

        public SinkBuilder batchSize(int size) {
            batchSize = size;
            return this;
        }

        /** What the sink's lane does when a table's schema changes; {@link SchemaPolicy#DEFAULT} when not set. */
        public SinkBuilder schemaPolicy(SchemaPolicy policy) {
            schemaPolicy = Objects.requireNonNull(policy);
            return this;
        }

        public SinkBuilder queueCapacity(int capacity) {
            queueCapacity = capacity;
            return this;
        }

        /** The lane's on-disk backlog and its budget; {@link BacklogSettings#DEFAULT} when not set. */
        public SinkBuilder backlog(BacklogSettings settings) {
            backlog = Objects.requireNonNull(settings);
            return this;
        }

        private SinkSpec spec() {
            PluginSpec<Sink> s = collect(sink);
            Optional<PluginSpec<Sink>> dl = deadLetter == null ? Optional.empty() : Optional.ofNullable(collect(deadLetter));
            if (onFailure == FailurePolicy.DEAD_LETTER && deadLetter == null) {
                if (stateDirectory.isPresent()) {
                    dl = Optional.ofNullable(collect(() -> bind(PluginKind.SINK, "file", Map.of("path",
                            stateDirectory.get().resolve("dead-letter").resolve(sinkName + ".jsonl").toString()),
                            sinkName + ".dead-letter")));
                } else {
                    problems.add(ConfigProblem.of(sinkName, "on-failure is dead-letter but there is no dead-letter "
                            + "target and no state directory: call deadLetter(...)"));
                }
            }
            List<PluginSpec<Filter>> f = collectAll(sinkFilters);
            List<PluginSpec<Transformer>> t = collectAll(sinkTransforms);
            if (s == null || (onFailure == FailurePolicy.DEAD_LETTER && dl.isEmpty())) {
                return null;
            }
            try {
                return new SinkSpec(sinkName, s, retry, onFailure, dl, f, t,
                        batchSize == null ? engine.batchSize() : batchSize,
                        queueCapacity == null ? engine.queueCapacity() : queueCapacity, Optional.ofNullable(schemaPolicy),
                        backlog);
            } catch (IllegalArgumentException e) {
                problems.add(ConfigProblem.of(sinkName, e.getMessage()));
                return null;
            }
        }
    }
}
