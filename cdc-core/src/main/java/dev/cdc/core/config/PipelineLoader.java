package dev.cdc.core.config;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.CheckpointStore;
import dev.cdc.api.spi.Filter;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.Transformer;
import dev.cdc.core.spec.BacklogSettings;
import dev.cdc.core.spec.EngineSettings;
import dev.cdc.core.spec.FailurePolicy;
import dev.cdc.core.spec.MetricsSettings;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.PluginSpec;
import dev.cdc.core.spec.RetrySettings;
import dev.cdc.core.spec.SinkSpec;
import dev.cdc.schema.compatibility.SchemaPolicy;
import dev.cdc.core.plugin.PluginKind;
import dev.cdc.core.plugin.PluginRegistry;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * Binds a YAML pipeline file to a validated {@link PipelineSpec}, before anything connects.
 *
 * <p>Every problem of a file is reported at once, in one {@link ConfigurationException} whose
 * {@link ConfigProblem}s carry the file, the 1-based line and the YAML path: syntax errors (with
 * their column), duplicate keys, unknown keys, values of the wrong type, unknown plugin types
 * (listing the known ones), missing required options, duplicate sink names, unresolvable
 * {@code ${env:NAME}}, {@code ${env:NAME:-default}} and {@code ${file:/path}} references.
 * Secret option values never appear in a message.
 *
 * <p>The file's shape:
 * <pre>
 * pipeline: orders-sync          # required
 * source: {type: postgres, ...}  # required; options inline or under options:
 * filters: [{type: ..., ...}]    # optional, in order
 * transforms: [{type: ..., ...}] # optional, in order
 * sinks:                         # required, one or more
 *   - {name: search, type: elasticsearch, retry: {...}, on-failure: dead-letter, dead-letter: {...},
 *      filters: [...], transforms: [...], batch-size: 500, queue-capacity: 10000,
 *      schema-policy: evolve-compatible, ...}
 * checkpoint: {type: file, path: ./state/orders-sync}  # optional; this is the default
 * engine: {...}                  # optional; see PipelineOptions
 * metrics: {...}                 # optional; see PipelineOptions
 * </pre>
 * Relative paths (the checkpoint's, {@code ${file:...}}) are resolved against the working
 * directory, not the file's directory. When the checkpoint store is {@code file}, its
 * {@code path} is the pipeline's state directory, and a sink with {@code on-failure: dead-letter}
 * but no {@code dead-letter:} section writes to
 * {@code {type: file, path: <state directory>/dead-letter/<sink>.jsonl}}.
 *
 * <p>Thread-safe: a loader may be shared.
 */
public final class PipelineLoader {

    /** The checkpoint store and dead-letter sink type used when the file names none. */
    static final String DEFAULT_TYPE = "file";
    private static final String PATH_OPTION = "path";
    private static final Set<String> SINK_KEYS_BOUND_HERE = Set.of("name", "retry", "on-failure", "dead-letter",
            "filters", "transforms", "batch-size", "queue-capacity", "schema-policy", "backlog");

    private final PluginBinder binder;
    private final Interpolator interpolator;

    /** A loader reading {@code ${env:...}} from the process environment. */
    public PipelineLoader(PluginRegistry registry) {
        this(registry, name -> Optional.ofNullable(System.getenv(name)));
    }

    /** A loader reading {@code ${env:NAME}} from {@code env} (tests inject one). */
    public PipelineLoader(PluginRegistry registry, Function<String, Optional<String>> env) {
        this.binder = new PluginBinder(Objects.requireNonNull(registry, "registry"));
        this.interpolator = new Interpolator(env);
    }

    /**
     * Reads and binds a pipeline file (UTF-8); messages call it by {@code file.toString()}.
     *
     * @throws ConfigurationException listing every problem of the file
     */
    public PipelineSpec load(Path file) {
        String name = file.toString();
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw fileProblem(name, "the pipeline file does not exist (working directory: "
                    + Path.of("").toAbsolutePath() + ")");
        } catch (CharacterCodingException e) {
            throw fileProblem(name, "the pipeline file is not UTF-8 text");
        } catch (IOException e) {
            throw fileProblem(name, "the pipeline file cannot be read: " + e);
        }
        return parse(yaml, name);
    }

    private static ConfigurationException fileProblem(String name, String message) {
        return new ConfigurationException(List.of(new ConfigProblem("", message, Optional.of(name), 0)));
    }

    /**
     * Binds pipeline YAML given as text.
     *
     * @param sourceName what messages call the file, e.g. {@code <inline>}
     * @throws ConfigurationException listing every problem
     */
    public PipelineSpec parse(String yaml, String sourceName) {
        Problems problems = new Problems(Optional.of(sourceName));
        Optional<YamlValue> root = YamlReader.read(new StringReader(yaml), interpolator, problems);
        if (root.isEmpty()) {
            problems.add("", 0, "the file is empty; it needs at least pipeline:, source: and sinks:");
            throw problems.exception();
        }
        if (!(root.get() instanceof YamlValue.Mapping mapping)) {
            problems.add("", root.get().line(), "the file holds " + root.get().describe()
                    + " but it must be a mapping with pipeline:, source: and sinks:");
            throw problems.exception();
        }
        PipelineSpec spec = new FileBinding(problems, mapping).bind();
        problems.throwIfAny();
        return Objects.requireNonNull(spec, "no spec and no problem");
    }

    /**
     * Binds one plugin given as a type and options (plain Java values; no {@code ${...}}
     * resolution), the way YAML sections are bound: for code that builds pipelines (the fluent
     * builder). Problems' paths start with {@code instanceName}.
     *
     * @param <T> what the factory creates: {@code Source}, {@code Sink}, {@code Filter},
     *            {@code Transformer} or {@code CheckpointStore}, per {@code kind}
     * @throws ConfigurationException for an unknown type or invalid options
     */
    public <T> PluginSpec<T> bind(PluginKind kind, String type, Map<String, ?> options, String instanceName) {
        Problems problems = new Problems(Optional.empty());
        Optional<PluginSpec<T>> spec = binder.bindMap(kind, type, options, instanceName, instanceName, 0, problems);
        problems.throwIfAny();
        return spec.orElseThrow();
    }

    /** The registry plugin types are looked up in. */
    public PluginRegistry registry() {
        return binder.registry();
    }

    /** The binding of one file. Not thread-safe: one per parse. */
    private final class FileBinding {
        private final Problems problems;
        private final YamlValue.Mapping root;

        FileBinding(Problems problems, YamlValue.Mapping root) {
            this.problems = problems;
            this.root = root;
        }

        /** The spec, or null when a problem was found. */
        PipelineSpec bind() {
            LocatedOptions topLevel = new LocatedOptions("", 0);
            for (YamlValue.Entry e : root.entries().values()) {
                if (e.key().equals(PipelineOptions.PIPELINE.key()) || e.value().unresolved()) {
                    topLevel.add(e.key(), e.keyLine(), e.value());
                } else {
                    // the sections are 'any' options here, checked only for being known and present:
                    // each is bound on its own below, where an empty one gets its own message
                    topLevel.addValue(e.key(), e.keyLine(), e.value());
                }
            }
            topLevel.bind(PipelineOptions.TOP_LEVEL, problems);
            Optional<String> name = pipelineName();

            Optional<PluginSpec<Source>> source = section(PipelineOptions.SOURCE)
                    .flatMap(v -> binder.bindSection(PluginKind.SOURCE, v, "source", List.of(), problems));
            Optional<List<PluginSpec<Filter>>> filters = pluginList(PluginKind.FILTER, PipelineOptions.FILTERS);
            Optional<List<PluginSpec<Transformer>>> transforms =
                    pluginList(PluginKind.TRANSFORM, PipelineOptions.TRANSFORMS);
            Optional<EngineSettings> engine = engine();
            Optional<MetricsSettings> metrics = metrics();
            Optional<PluginSpec<CheckpointStore>> checkpoint = checkpoint(name);
            Optional<Optional<Path>> stateDirectory = checkpoint.map(this::stateDirectory);
            Optional<List<SinkSpec>> sinks = sinks(engine.orElse(EngineSettings.DEFAULT), stateDirectory);

            if (!problems.isEmpty() || name.isEmpty() || source.isEmpty() || filters.isEmpty()
                    || transforms.isEmpty() || engine.isEmpty() || metrics.isEmpty() || checkpoint.isEmpty()
                    || stateDirectory.isEmpty() || sinks.isEmpty()) {
                return null;
            }
            try {
                return new PipelineSpec(name.get(), source.get(), filters.get(), transforms.get(), sinks.get(),
                        checkpoint.get(), stateDirectory.get(), engine.get(), metrics.get());
            } catch (IllegalArgumentException e) {
                problems.add("", 0, e.getMessage());
                return null;
            }
        }

        /** The pipeline name when it is valid (its problems are reported with the top level). */
        private Optional<String> pipelineName() {
            return section(PipelineOptions.PIPELINE).flatMap(v -> {
                try {
                    return Optional.of(PipelineOptions.PIPELINE.convert(v.plainText()));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            });
        }

        /** A top-level section's value, when given and not already reported as unresolved. */
        private Optional<YamlValue> section(ConfigOption<?> key) {
            YamlValue.Entry e = root.entries().get(key.key());
            return e == null || e.value().unresolved() ? Optional.empty() : Optional.of(e.value());
        }

        private <T> Optional<List<PluginSpec<T>>> pluginList(PluginKind kind, ConfigOption<?> key) {
            YamlValue.Entry e = root.entries().get(key.key());
            return e == null ? Optional.of(List.of()) : binder.bindList(kind, e.value(), "", problems);
        }

        /** Binds a settings section (engine:, metrics:, retry:); absent or empty: every default. */
        private Optional<Configuration> settings(YamlValue.Entry entry, List<ConfigOption<?>> options) {
            LocatedOptions located = new LocatedOptions(entry == null ? "" : entry.value().path(),
                    entry == null ? 0 : entry.keyLine());
            if (entry != null) {
                YamlValue value = entry.value();
                if (value instanceof YamlValue.Mapping m) {
                    m.entries().values().forEach(e -> located.add(e.key(), e.keyLine(), e.value()));
                } else if (value.unresolved()) {
                    return Optional.empty();
                } else if (!(value instanceof YamlValue.Scalar s && s.value() == null)) {
                    problems.add(value.path(), entry.keyLine(), "was " + value.describe() + " but it must be a "
                            + "mapping of " + String.join(", ", options.stream().map(ConfigOption::key).toList()));
                    return Optional.empty();
                }
            }
            return located.bind(options, problems);
        }

        private Optional<EngineSettings> engine() {
            return settings(root.entries().get(PipelineOptions.ENGINE.key()), PipelineOptions.ENGINE_SETTINGS)
                    .map(c -> new EngineSettings(c.get(PipelineOptions.ENGINE_BATCH_SIZE),
                            c.get(PipelineOptions.ENGINE_QUEUE_CAPACITY),
                            c.get(PipelineOptions.ENGINE_CHECKPOINT_INTERVAL),
                            c.get(PipelineOptions.ENGINE_SHUTDOWN_TIMEOUT),
                            c.get(PipelineOptions.ENGINE_FLUSH_INTERVAL),
                            c.getOptional(PipelineOptions.ENGINE_SIGNAL_TABLE).map(TableId::parse)));
        }

        private Optional<MetricsSettings> metrics() {
            return settings(root.entries().get(PipelineOptions.METRICS.key()), PipelineOptions.METRICS_SETTINGS)
                    .map(c -> new MetricsSettings(c.getOptional(PipelineOptions.METRICS_PORT)
                            .map(OptionalInt::of).orElse(OptionalInt.empty()),
                            c.get(PipelineOptions.METRICS_HOST), c.get(PipelineOptions.METRICS_LAG_ALERT_THRESHOLD)));
        }

        private Optional<RetrySettings> retry(YamlValue.Entry entry) {
            Optional<Configuration> bound = settings(entry, PipelineOptions.RETRY);
            if (bound.isEmpty()) {
                return Optional.empty();
            }
            Configuration c = bound.get();
            if (c.get(PipelineOptions.RETRY_INITIAL_BACKOFF).compareTo(c.get(PipelineOptions.RETRY_MAX_BACKOFF)) > 0) {
                String key = PipelineOptions.RETRY_INITIAL_BACKOFF.key();
                YamlValue.Entry at = entry.value() instanceof YamlValue.Mapping m ? m.entries().get(key) : null;
                problems.add(LocatedOptions.join(entry.value().path(), key), at == null ? entry.keyLine() : at.keyLine(),
                        "is longer than max-backoff; make max-backoff at least as long as initial-backoff");
                return Optional.empty();
            }
            return Optional.of(new RetrySettings(c.get(PipelineOptions.RETRY_MAX_ATTEMPTS),
                    c.get(PipelineOptions.RETRY_INITIAL_BACKOFF), c.get(PipelineOptions.RETRY_MULTIPLIER),
                    c.get(PipelineOptions.RETRY_MAX_BACKOFF), c.get(PipelineOptions.RETRY_JITTER),
                    c.get(PipelineOptions.RETRY_RETRY_ON)));
        }

        private Optional<PluginSpec<CheckpointStore>> checkpoint(Optional<String> pipelineName) {
            YamlValue.Entry entry = root.entries().get(PipelineOptions.CHECKPOINT.key());
            if (entry != null) {
                return entry.value().unresolved() ? Optional.empty()
                        : binder.bindSection(PluginKind.CHECKPOINT, entry.value(), "checkpoint", List.of(), problems);
            }
            if (pipelineName.isEmpty()) {
                return Optional.empty();
            }
            if (binder.registry().find(PluginKind.CHECKPOINT, DEFAULT_TYPE).isEmpty()) {
                problems.add("checkpoint", 0, "there is no checkpoint: section and no '" + DEFAULT_TYPE
                        + "' checkpoint store is registered to default to; add a checkpoint: section ("
                        + binder.registry().unknownTypeMessage(PluginKind.CHECKPOINT, DEFAULT_TYPE) + ")");
                return Optional.empty();
            }
            return binder.bindMap(PluginKind.CHECKPOINT, DEFAULT_TYPE,
                    Map.of(PATH_OPTION, "./state/" + pipelineName.get()), "checkpoint", "checkpoint", 0, problems);
        }

        /** The {@code path} of a {@code file} checkpoint store. */
        private Optional<Path> stateDirectory(PluginSpec<CheckpointStore> checkpoint) {
            if (!checkpoint.type().equals(DEFAULT_TYPE)) {
                return Optional.empty();
            }
            Configuration options = checkpoint.options();
            Optional<Object> path = options.declaredOptions().stream().filter(o -> o.key().equals(PATH_OPTION))
                    .findFirst().flatMap(o -> options.getOptional(o).map(v -> (Object) v));
            try {
                return path.map(p -> Path.of(p.toString()));
            } catch (InvalidPathException e) {
                YamlValue.Entry entry = root.entries().get(PipelineOptions.CHECKPOINT.key());
                problems.add(LocatedOptions.join(checkpoint.yamlPath(), PATH_OPTION), entry == null ? 0
                        : entry.keyLine(), "is not a valid path: " + e.getReason());
                return Optional.empty();
            }
        }

        /**
         * @param stateDirectory the state directory, if the pipeline has one; empty (outer) when
         *                       unknown because the checkpoint had a problem
         */
        private Optional<List<SinkSpec>> sinks(EngineSettings engine, Optional<Optional<Path>> stateDirectory) {
            YamlValue.Entry entry = root.entries().get(PipelineOptions.SINKS.key());
            if (entry == null || entry.value().unresolved()) {
                return Optional.empty();
            }
            if (!(entry.value() instanceof YamlValue.Sequence list) || list.items().isEmpty()) {
                problems.add(entry.value().path(), entry.keyLine(), (entry.value() instanceof YamlValue.Sequence
                        || entry.value() instanceof YamlValue.Scalar s && s.value() == null
                        ? "is empty" : "was " + entry.value().describe())
                        + " but it must be a list of one or more sinks, each with a name: and a type:");
                return Optional.empty();
            }
            Map<String, YamlValue.Entry> names = new HashMap<>();
            List<Optional<SinkSpec>> sinks = list.items().stream()
                    .map(item -> sink(item, engine, stateDirectory, names)).toList();
            return sinks.stream().allMatch(Optional::isPresent)
                    ? Optional.of(sinks.stream().map(Optional::get).toList()) : Optional.empty();
        }

        private Optional<SinkSpec> sink(YamlValue item, EngineSettings engine, Optional<Optional<Path>> stateDirectory,
                                        Map<String, YamlValue.Entry> names) {
            if (!(item instanceof YamlValue.Mapping mapping)) {
                if (!item.unresolved()) {
                    problems.add(item.path(), item.line(), "was " + item.describe() + " but a sink must be a mapping "
                            + "with a name: and a type:");
                }
                return Optional.empty();
            }
            LocatedOptions own = new LocatedOptions(mapping.path(), mapping.line());
            for (ConfigOption<?> o : PipelineOptions.SINK) {
                YamlValue.Entry e = mapping.entries().get(o.key());
                if (e != null) {
                    own.add(e.key(), e.keyLine(), e.value());
                }
            }
            Optional<Configuration> settings = own.bind(PipelineOptions.SINK, problems);
            Optional<String> name = settings.map(c -> c.get(PipelineOptions.SINK_NAME));
            if (name.isPresent()) {
                YamlValue.Entry nameEntry = mapping.entries().get(PipelineOptions.SINK_NAME.key());
                YamlValue.Entry first = names.putIfAbsent(name.get(), nameEntry);
                if (first != null) {
                    problems.add(nameEntry.value().path(), nameEntry.keyLine(), "another sink is already named '"
                            + name.get() + "' (" + first.value().path() + ", line " + first.keyLine()
                            + "); sink names must be unique");
                }
            }
            String instance = name.orElse(mapping.path());

            Optional<PluginSpec<Sink>> sink = binder.bindSection(PluginKind.SINK, mapping, instance,
                    SINK_KEYS_BOUND_HERE, problems);
            Optional<RetrySettings> retry = retry(mapping.entries().get("retry"));
            Optional<BacklogSettings> backlog = settings(mapping.entries().get("backlog"), PipelineOptions.BACKLOG)
                    .map(b -> new BacklogSettings(b.get(PipelineOptions.BACKLOG_MAX_BYTES),
                            b.getOptional(PipelineOptions.BACKLOG_MAX_AGE), b.get(PipelineOptions.BACKLOG_WHEN_FULL)));
            Optional<List<PluginSpec<Filter>>> filters = sinkList(PluginKind.FILTER, mapping, instance);
            Optional<List<PluginSpec<Transformer>>> transforms = sinkList(PluginKind.TRANSFORM, mapping, instance);
            Optional<Optional<PluginSpec<Sink>>> deadLetter = deadLetter(mapping,
                    settings.map(c -> c.get(PipelineOptions.SINK_ON_FAILURE)), instance, stateDirectory);
            if (settings.isEmpty() || sink.isEmpty() || retry.isEmpty() || backlog.isEmpty() || filters.isEmpty()
                    || transforms.isEmpty() || deadLetter.isEmpty()) {
                return Optional.empty();
            }
            Configuration c = settings.get();
            YamlValue.Entry policy = mapping.entries().get(PipelineOptions.SINK_SCHEMA_POLICY.key());
            if (policy != null && c.get(PipelineOptions.SINK_SCHEMA_POLICY) == SchemaPolicy.MANUAL
                    && stateDirectory.equals(Optional.of(Optional.empty()))) {
                problems.add(LocatedOptions.join(mapping.path(), policy.key()), policy.keyLine(), "is 'manual' but the "
                        + "pipeline has no state directory to keep the held changes and the decisions in; use "
                        + "checkpoint: {type: file, path: ...}");
                return Optional.empty();
            }
            try {
                return Optional.of(new SinkSpec(instance, sink.get(), retry.get(), c.get(PipelineOptions.SINK_ON_FAILURE),
                        deadLetter.get(), filters.get(), transforms.get(),
                        c.getOptional(PipelineOptions.SINK_BATCH_SIZE).orElse(engine.batchSize()),
                        c.getOptional(PipelineOptions.SINK_QUEUE_CAPACITY).orElse(engine.queueCapacity()),
                        mapping.entries().containsKey(PipelineOptions.SINK_SCHEMA_POLICY.key())
                                ? Optional.of(c.get(PipelineOptions.SINK_SCHEMA_POLICY)) : Optional.empty(),
                        backlog.get()));
            } catch (IllegalArgumentException e) {
                problems.add(mapping.path(), mapping.line(), e.getMessage());
                return Optional.empty();
            }
        }

        private <T> Optional<List<PluginSpec<T>>> sinkList(PluginKind kind, YamlValue.Mapping sink, String instance) {
            YamlValue.Entry e = sink.entries().get(kind.section());
            return e == null ? Optional.of(List.of()) : binder.bindList(kind, e.value(), instance + ".", problems);
        }

        /**
         * The sink's dead-letter target: its {@code dead-letter:} section, or the default file
         * under the state directory. Empty (outer) on a problem, or when the policy is unknown
         * because of one; empty (inner) when the policy needs no target.
         */
        private Optional<Optional<PluginSpec<Sink>>> deadLetter(YamlValue.Mapping sink, Optional<FailurePolicy> policy,
                                                                String instance,
                                                                Optional<Optional<Path>> stateDirectory) {
            YamlValue.Entry section = sink.entries().get("dead-letter");
            String path = LocatedOptions.join(sink.path(), "dead-letter");
            if (section != null) {
                Optional<PluginSpec<Sink>> bound = section.value().unresolved() ? Optional.empty()
                        : binder.bindSection(PluginKind.SINK, section.value(), instance + ".dead-letter", List.of(),
                        problems);
                if (policy.isPresent() && policy.get() != FailurePolicy.DEAD_LETTER) {
                    problems.add(path, section.keyLine(), "a dead-letter target is given but on-failure is '"
                            + policy.get().tag() + "'; set on-failure: dead-letter, or remove dead-letter:");
                    return Optional.empty();
                }
                return policy.isPresent() ? bound.map(Optional::of) : Optional.empty();
            }
            if (policy.isEmpty()) {
                return Optional.empty();
            }
            if (policy.get() != FailurePolicy.DEAD_LETTER) {
                return Optional.of(Optional.empty());
            }
            if (stateDirectory.isEmpty()) {
                return Optional.empty();
            }
            int line = sink.entries().get(PipelineOptions.SINK_ON_FAILURE.key()).keyLine();
            String onFailurePath = LocatedOptions.join(sink.path(), PipelineOptions.SINK_ON_FAILURE.key());
            Optional<Path> directory = stateDirectory.get();
            if (directory.isEmpty() || binder.registry().find(PluginKind.SINK, DEFAULT_TYPE).isEmpty()) {
                problems.add(onFailurePath, line, "is dead-letter but there is no dead-letter: section to write to, "
                        + "and no default, because " + (directory.isEmpty()
                        ? "the pipeline has no state directory (its checkpoint store is not '" + DEFAULT_TYPE + "')"
                        : "no '" + DEFAULT_TYPE + "' sink is registered")
                        + "; add dead-letter: {type: ..., ...} to this sink");
                return Optional.empty();
            }
            String file = directory.get().resolve("dead-letter").resolve(instance + ".jsonl").toString();
            return binder.<Sink>bindMap(PluginKind.SINK, DEFAULT_TYPE, Map.of(PATH_OPTION, file),
                    instance + ".dead-letter", path, line, problems).map(Optional::of);
        }
    }
}
