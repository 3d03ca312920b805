package dev.cdc.core.config;

import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
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
import dev.cdc.core.plugin.TestPlugins;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

class PipelineLoaderTest {

    private static final String PG_PASSWORD = "s3cret-from-env";

    private final Map<String, String> env = new HashMap<>(Map.of("PG_PASSWORD", PG_PASSWORD));
    private final PipelineLoader loader = new PipelineLoader(TestPlugins.standardRegistry(),
            name -> Optional.ofNullable(env.get(name)));

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(PipelineLoaderTest.class.getResource("/config/" + name).toURI());
    }

    private PipelineSpec parse(String yaml) {
        return loader.parse(yaml, "<inline>");
    }

    private List<ConfigProblem> problems(String yaml) {
        return catchThrowableOfType(ConfigurationException.class, () -> parse(yaml)).problems();
    }

    /** A valid pipeline around one sink entry's lines (indented by four spaces). */
    private static String withSink(String sinkLines) {
        return """
                pipeline: p
                source: {type: postgres, host: db, password: a-long-password}
                sinks:
                  - name: out
                """ + sinkLines;
    }

    @Test
    void bindsTheFullExampleFile() throws Exception {
        PipelineSpec spec = loader.load(resource("full.yaml"));

        assertThat(spec.name()).isEqualTo("orders-sync");
        assertThat(spec.source().instanceName()).isEqualTo("source");
        assertThat(spec.source().type()).isEqualTo("postgres");
        assertThat(spec.source().yamlPath()).isEqualTo("source");
        assertThat(spec.source().options().get(TestPlugins.HOST)).isEqualTo("db.internal");
        assertThat(spec.source().options().get(TestPlugins.PORT)).isEqualTo(5433);
        assertThat(spec.source().options().get(TestPlugins.PASSWORD)).isEqualTo(PG_PASSWORD);
        assertThat(spec.source().options().toString()).doesNotContain(PG_PASSWORD);

        assertThat(spec.filters()).singleElement().satisfies(f -> {
            assertThat(f.instanceName()).isEqualTo("filters[0]");
            assertThat(f.type()).isEqualTo("table");
            assertThat(f.options().get(TestPlugins.INCLUDE)).containsExactly("public.orders", "public.customers");
        });
        assertThat(spec.transforms()).singleElement().satisfies(t -> {
            assertThat(t.instanceName()).isEqualTo("transforms[0]");
            assertThat(t.options().get(TestPlugins.COLUMNS)).containsExactly("public.customers.email");
        });

        assertThat(spec.sinks()).extracting(SinkSpec::name).containsExactly("search", "cache", "audit");
        SinkSpec search = spec.sinks().get(0);
        assertThat(search.sink().type()).isEqualTo("elasticsearch");
        assertThat(search.sink().yamlPath()).isEqualTo("sinks[0]");
        assertThat(search.sink().options().get(TestPlugins.URLS)).containsExactly("http://es1:9200", "http://es2:9200");
        assertThat(search.sink().options().get(TestPlugins.INDEX)).isEqualTo("orders");
        assertThat(search.retry()).isEqualTo(new RetrySettings(5, Duration.ofMillis(100), 3.0, Duration.ofSeconds(10),
                0.1, List.of("retriable", "java.io.IOException")));
        assertThat(search.onFailure()).isEqualTo(FailurePolicy.DEAD_LETTER);
        assertThat(search.deadLetter()).get().satisfies(d -> {
            assertThat(d.instanceName()).isEqualTo("search.dead-letter");
            assertThat(d.type()).isEqualTo("file");
            assertThat(d.yamlPath()).isEqualTo("sinks[0].dead-letter");
            assertThat(d.options().get(TestPlugins.PATH)).isEqualTo("./state/dlq/search.jsonl");
            assertThat(d.options().get(TestPlugins.FORMAT)).isEqualTo("json-pretty");
        });
        assertThat(search.filters()).extracting(PluginSpec::instanceName).containsExactly("search.filters[0]");
        assertThat(search.filters().get(0).yamlPath()).isEqualTo("sinks[0].filters[0]");
        assertThat(search.transforms()).isEmpty();
        assertThat(search.batchSize()).isEqualTo(500);
        assertThat(search.queueCapacity()).isEqualTo(10_000);

        SinkSpec cache = spec.sinks().get(1);
        assertThat(cache.retry()).isEqualTo(RetrySettings.DEFAULT);
        assertThat(cache.sink().options().get(TestPlugins.REDIS_PORT)).isEqualTo(6379);
        assertThat(cache.batchSize()).isEqualTo(2048);
        assertThat(cache.queueCapacity()).isEqualTo(8192);
        assertThat(cache.deadLetter()).get().satisfies(d -> {
            assertThat(d.instanceName()).isEqualTo("cache.dead-letter");
            assertThat(Path.of(d.options().get(TestPlugins.PATH)))
                    .isEqualTo(Path.of("./state/orders-sync/dead-letter/cache.jsonl"));
        });

        SinkSpec audit = spec.sinks().get(2);
        assertThat(audit.onFailure()).isEqualTo(FailurePolicy.SKIP);
        assertThat(audit.deadLetter()).isEmpty();
        assertThat(audit.transforms()).singleElement().satisfies(t -> {
            assertThat(t.instanceName()).isEqualTo("audit.transforms[0]");
            assertThat(t.options().get(TestPlugins.COLUMNS)).containsExactly("public.customers.phone");
        });

        assertThat(spec.checkpoint().instanceName()).isEqualTo("checkpoint");
        assertThat(spec.checkpoint().options().get(TestPlugins.PATH)).isEqualTo("./state/orders-sync");
        assertThat(spec.stateDirectory()).contains(Path.of("./state/orders-sync"));
        assertThat(spec.engine()).isEqualTo(new EngineSettings(2048, 8192, Duration.ofSeconds(5),
                Duration.ofMinutes(1), Duration.ofMillis(50)));
        assertThat(spec.metrics()).isEqualTo(new MetricsSettings(OptionalInt.of(9404), "0.0.0.0",
                Duration.ofMinutes(2)));
    }

    @Test
    void specsCreatePluginsThroughTheirFactories() throws Exception {
        PipelineSpec spec = loader.load(resource("full.yaml"));
        SinkSpec search = spec.sinks().get(0);

        Sink sink = search.sink().create(PluginContext.of(search.sink().options(), spec.name(), search.name()));

        assertThat(sink).isInstanceOfSatisfying(TestPlugins.MadeSink.class, made -> {
            assertThat(made.context().instanceName()).isEqualTo("search");
            assertThat(made.context().options().get(TestPlugins.INDEX)).isEqualTo("orders");
        });
        assertThat(spec.checkpoint().create(PluginContext.of(spec.checkpoint().options(), "p", "checkpoint")))
                .isInstanceOf(TestPlugins.MadeCheckpointStore.class);
        assertThat(spec.source().create(PluginContext.of(spec.source().options(), "p", "source")))
                .isInstanceOf(TestPlugins.MadeSource.class);
    }

    @Test
    void appliesEveryDefault() throws Exception {
        PipelineSpec spec = loader.load(resource("minimal.yaml"));

        assertThat(spec.filters()).isEmpty();
        assertThat(spec.transforms()).isEmpty();
        assertThat(spec.engine()).isEqualTo(EngineSettings.DEFAULT);
        assertThat(spec.metrics()).isEqualTo(MetricsSettings.DEFAULT);
        SinkSpec out = spec.sinks().get(0);
        assertThat(out.retry()).isEqualTo(RetrySettings.DEFAULT);
        assertThat(out.onFailure()).isEqualTo(FailurePolicy.FAIL);
        assertThat(out.deadLetter()).isEmpty();
        assertThat(out.batchSize()).isEqualTo(EngineSettings.DEFAULT.batchSize());
        assertThat(out.queueCapacity()).isEqualTo(EngineSettings.DEFAULT.queueCapacity());
        assertThat(spec.checkpoint().type()).isEqualTo("file");
        assertThat(spec.checkpoint().options().get(TestPlugins.PATH)).isEqualTo("./state/minimal");
        assertThat(spec.stateDirectory()).contains(Path.of("./state/minimal"));
        assertThat(spec.source().options().get(TestPlugins.PORT)).isEqualTo(5432);
    }

    @Test
    void reportsAnUnknownKeyAWrongTypeAndAnUnknownTypeTogether() throws Exception {
        Path file = resource("three-problems.yaml");

        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> loader.load(file));

        assertThat(e.problems()).extracting(ConfigProblem::line, ConfigProblem::path).containsExactly(
                tuple(6, "source.prot"),
                tuple(9, "sinks[0].type"),
                tuple(12, "engine.batch-size"));
        assertThat(e.problems()).allSatisfy(p -> assertThat(p.file()).contains(file.toString()));
        assertThat(e.problems().get(0).message())
                .isEqualTo("unknown option; did you mean 'port'? (known: host, password, pin, port)");
        assertThat(e.problems().get(1).message()).isEqualTo("unknown sink type 'elastic'; did you mean "
                + "'elasticsearch'? known sink types: elasticsearch, file, redis, stdout");
        assertThat(e.problems().get(2).message()).isEqualTo("was 'lots' but it must be an integer");
        assertThat(e.getMessage()).isEqualTo("invalid configuration (3 problems):\n"
                + "  " + file + ":6: source.prot: unknown option; did you mean 'port'? (known: host, password, pin, port)\n"
                + "  " + file + ":9: sinks[0].type: unknown sink type 'elastic'; did you mean 'elasticsearch'? "
                + "known sink types: elasticsearch, file, redis, stdout\n"
                + "  " + file + ":12: engine.batch-size: was 'lots' but it must be an integer");
    }

    /** PluginFactory.validate runs at load time; its problems get the file, the option's line and path. */
    @Test
    void crossOptionProblemsOfAFactoryAreReportedAtTheOptionsLine() {
        TestPlugins.TestSink picky = new TestPlugins.TestSink("picky", List.of(TestPlugins.HOST, TestPlugins.REDIS_PORT)) {
            @Override
            public List<ConfigProblem> validate(dev.cdc.api.config.Configuration options) {
                return options.get(TestPlugins.HOST).equals("localhost") && options.get(TestPlugins.REDIS_PORT) == 6379
                        ? List.of(ConfigProblem.of("port", "is the default but host is localhost; set both"),
                        ConfigProblem.of("", "the whole plugin is wrong too"))
                        : List.of();
            }
        };
        List<dev.cdc.api.spi.PluginFactory> factories = new java.util.ArrayList<>(TestPlugins.standard());
        factories.add(picky);
        PipelineLoader pickyLoader = new PipelineLoader(dev.cdc.core.plugin.PluginRegistry.of(factories));
        String yaml = """
                pipeline: p
                source: {type: postgres, host: db, password: a-long-password}
                sinks:
                  - name: out
                    type: picky
                    host: localhost
                  - name: fine
                    type: picky
                    host: localhost
                    port: 6380
                """;

        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
                () -> pickyLoader.parse(yaml, "picky.yaml"));

        assertThat(e.problems()).extracting(ConfigProblem::path, ConfigProblem::line, ConfigProblem::file)
                .containsExactly(tuple("sinks[0].port", 5, Optional.of("picky.yaml")),
                        tuple("sinks[0]", 5, Optional.of("picky.yaml")));
        assertThat(e.getMessage()).contains("picky.yaml:5: sinks[0].port: is the default but host is localhost");
        assertThatThrownBy(() -> pickyLoader.bind(PluginKind.SINK, "picky", Map.of("host", "localhost"), "code"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("code.port: is the default");
    }

    @Test
    void missingRequiredOptionIsReportedAtTheTypeLine() {
        List<ConfigProblem> problems = problems("""
                pipeline: p
                source:
                  host: db
                  type: postgres
                sinks: [{name: out, type: stdout}]
                """);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("source.password");
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.message()).isEqualTo("is required but missing (The password.)");
            assertThat(p.file()).contains("<inline>");
        });
    }

    @Test
    void missingTopLevelSectionsAndTypes() {
        List<ConfigProblem> problems = problems("""
                pipeline: p
                source: {host: db}
                """);

        assertThat(problems).extracting(ConfigProblem::path, ConfigProblem::message).containsExactly(
                tuple("source", "has no 'type'; known source types: postgres"),
                tuple("sinks", "is required but missing (One or more sinks, each with "
                        + "a unique `name:`, a `type:` and its options.)"));
    }

    @Test
    void optionsMayBeWrittenUnderOptionsButNotBothWays() {
        PipelineSpec spec = parse(withSink("""
                    type: redis
                    options: {host: cache, port: 6380}
                """));
        assertThat(spec.sinks().get(0).sink().options().get(TestPlugins.PORT)).isEqualTo(6380);

        List<ConfigProblem> problems = problems(withSink("""
                    type: redis
                    host: cache
                    options:
                      host: other
                      prt: 1
                """));
        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(8, "sinks[0].options.host",
                                "is given both inline (line 6) and under 'options:'; keep one"),
                        tuple(9, "sinks[0].options.prt",
                                "unknown option; did you mean 'port'? (known: host, port)"));
    }

    @Test
    void stringOptionsKeepScalarsAsWrittenWhileNumbersFollowYaml() {
        PipelineSpec spec = parse("""
                pipeline: 0755
                source: {type: postgres, host: 0x1F, password: a-long-password, port: 0x1F}
                sinks: [{name: out, type: stdout}]
                """);

        assertThat(spec.name()).isEqualTo("0755");
        assertThat(spec.source().options().get(TestPlugins.HOST)).isEqualTo("0x1F");
        assertThat(spec.source().options().get(TestPlugins.PORT)).isEqualTo(31);
    }

    @Test
    void sinkNamesMustBeUniqueAndValid() {
        List<ConfigProblem> problems = problems("""
                pipeline: p
                source: {type: postgres, host: db, password: a-long-password}
                sinks:
                  - name: out
                    type: stdout
                  - name: out
                    type: stdout
                  - name: Bad Name
                    type: stdout
                  - type: stdout
                """);

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(6, "sinks[1].name",
                                "another sink is already named 'out' (sinks[0].name, line 4); sink names must be unique"),
                        tuple(8, "sinks[2].name", "was 'Bad Name' but it must be "
                                + "lower-case letters, digits, '-' and '_', starting with a letter or digit "
                                + "([a-z0-9][a-z0-9-_]*)"),
                        tuple(10, "sinks[3].name", "is required but missing (The sink's "
                                + "name, unique in the pipeline; used in metrics, logs and dead-letter files.)"));
    }

    @Test
    void duplicateYamlKeysAreErrors() {
        List<ConfigProblem> problems = problems("""
                pipeline: p
                source:
                  type: postgres
                  host: db
                  password: a-long-password
                  host: db2
                sinks: [{name: out, type: stdout}]
                pipeline: q
                """);

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(6, "source.host",
                                "duplicate key 'host' (first at line 4); keep only one"),
                        tuple(8, "pipeline",
                                "duplicate key 'pipeline' (first at line 1); keep only one"));
    }

    @Test
    void yamlSyntaxErrorsHaveLineAndColumnAndNoStackTrace() {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> parse("""
                pipeline: p
                source:
                  type: postgres
                   host: db
                """));

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.path()).isEmpty();
            assertThat(p.message()).startsWith("YAML syntax error at column 8: mapping values are not allowed here");
        });
        assertThat(e.getMessage()).startsWith("invalid configuration: <inline>:4: YAML syntax error at column 8")
                .doesNotContain("\tat ").doesNotContain("org.yaml");
        assertThat(e.getCause()).isNull();

        assertThat(problems("sinks: [unclosed\n")).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).contains("while parsing a flow sequence at line 1, column 8");
        });
    }

    @Test
    void schemaPolicyIsBoundPerSinkAndAbsentMeansTheDefault() {
        PipelineSpec spec = parse("""
                pipeline: p
                source: {type: postgres, host: db, password: a-long-password}
                sinks:
                  - {name: a, type: stdout, schema-policy: evolve}
                  - {name: b, type: stdout, schema-policy: ignore}
                  - {name: c, type: stdout}
                """);

        assertThat(spec.sinks()).extracting(s -> s.schemaPolicy().orElse(null), SinkSpec::effectiveSchemaPolicy)
                .containsExactly(tuple(SchemaPolicy.EVOLVE, SchemaPolicy.EVOLVE),
                        tuple(SchemaPolicy.IGNORE, SchemaPolicy.IGNORE),
                        tuple(null, SchemaPolicy.EVOLVE_COMPATIBLE));
    }

    @Test
    void aWrongOrMisspelledSchemaPolicyIsReportedWithItsLine() {
        List<ConfigProblem> problems = problems(withSink("""
                    type: stdout
                    schema-policy: evolve-compat
                  - name: other
                    type: stdout
                    schema-polcy: fail
                """));

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(6, "sinks[0].schema-policy",
                                "was 'evolve-compat' but it must be one of evolve, evolve-compatible, ignore, fail, manual"),
                        tuple(9, "sinks[1].schema-polcy", "unknown option; did you mean 'schema-policy'? (known: "
                                + "backlog, batch-size, dead-letter, filters, name, on-failure, queue-capacity, retry, "
                                + "schema-policy, transforms)"));
    }

    @Test
    void manualNeedsAStateDirectoryAndSaysSoAtItsLine() {
        List<ConfigProblem> problems = problems(withSink("""
                    type: stdout
                    schema-policy: manual
                checkpoint: {type: memory}
                """));

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::path, ConfigProblem::message)
                .containsExactly(tuple(6, "sinks[0].schema-policy", "is 'manual' but the pipeline has no state "
                        + "directory to keep the held changes and the decisions in; use checkpoint: {type: file, "
                        + "path: ...}"));
    }

    @Test
    void aSinksBacklogIsBoundWithItsDefaultsAndEveryProblemNamesItsLine() {
        PipelineSpec spec = parse(withSink("""
                    type: stdout
                    backlog: {max-bytes: 2gb, max-age: 30m, when-full: detach}
                """));
        assertThat(spec.sinks().get(0).backlog()).isEqualTo(new BacklogSettings(2L * 1024 * 1024 * 1024,
                Optional.of(Duration.ofMinutes(30)), BacklogSettings.WhenFull.DETACH));
        assertThat(parse(withSink("    type: stdout\n")).sinks().get(0).backlog()).isEqualTo(BacklogSettings.DEFAULT);
        assertThat(parse(withSink("    type: stdout\n    backlog: {max-bytes: 0}\n")).sinks().get(0).backlog()
                .spills()).isFalse();

        List<ConfigProblem> problems = problems(withSink("""
                    type: stdout
                    backlog: {max-bytes: lots, when-full: drop, max-size: 1gb}
                """));
        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(6, "sinks[0].backlog.max-bytes",
                                "was 'lots' but it must be a size such as 512kb or 5mb"),
                        tuple(6, "sinks[0].backlog.when-full", "was 'drop' but it must be one of pause, detach, fail"),
                        tuple(6, "sinks[0].backlog.max-size", "unknown option (known: "
                                + "max-age, max-bytes, when-full)"));
    }

    @Test
    void unknownKeysInSettingsAndWrongTypesListTheKnownKeys() {
        List<ConfigProblem> problems = problems("""
                pipeline: p
                source: {type: postgres, host: db, password: a-long-password}
                sink: []
                sinks:
                  - name: out
                    type: stdout
                    on-failure: retry
                    retry: {max-attempts: 0, initial-backoff: soon, backof: 1s}
                    batch-size: -1
                engine: {batch-size: 10, checkpoint-interval: 1 hour}
                metrics: {port: 70000, lag: 1s}
                """);

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(3, "sink", "unknown option; did you mean 'sinks'? (known: "
                                + "checkpoint, engine, filters, metrics, pipeline, sinks, source, transforms)"),
                        tuple(7, "sinks[0].on-failure",
                                "was 'retry' but it must be one of fail, dead-letter, skip"),
                        tuple(8, "sinks[0].retry.max-attempts",
                                "was '0' but it must be >= 1"),
                        tuple(8, "sinks[0].retry.initial-backoff",
                                "was 'soon' but it must be a duration such as 250ms, 30s, 5m"),
                        tuple(8, "sinks[0].retry.backof", "unknown option (known: "
                                + "initial-backoff, jitter, max-attempts, max-backoff, multiplier, retry-on)"),
                        tuple(9, "sinks[0].batch-size", "was '-1' but it must be >= 1"),
                        tuple(10, "engine.checkpoint-interval",
                                "was '1 hour' but it must be a duration such as 250ms, 30s, 5m"),
                        tuple(11, "metrics.port",
                                "was '70000' but it must be a port between 1 and 65535"),
                        tuple(11, "metrics.lag", "unknown option; did you mean 'lag-alert-threshold'? (known: host, "
                                + "lag-alert-threshold, port)"));
    }

    @Test
    void sectionsOfTheWrongShape() {
        List<ConfigProblem> problems = problems("""
                pipeline: p
                source: [postgres]
                filters: {type: table}
                sinks:
                  - stdout
                engine: fast
                """);

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(2, "source", "was a list but it must be a mapping with a "
                                + "'type' key; known source types: postgres"),
                        tuple(3, "filters", "was a mapping but it must be a list of "
                                + "filters, each a mapping with a 'type' key"),
                        tuple(5, "sinks[0]", "was a string but a sink must be a mapping "
                                + "with a name: and a type:"),
                        tuple(6, "engine", "was a string but it must be a mapping of "
                                + "batch-size, queue-capacity, checkpoint-interval, shutdown-timeout, flush-interval, "
                                + "signal-table"));
    }

    @Test
    void aSignalTableIsBoundAndABadOneNamedWithItsLine() {
        List<ConfigProblem> problems = problems("""
                pipeline: p
                source: {type: postgres}
                sinks:
                  - {name: out, type: stdout}
                engine:
                  signal-table: "public.cdc signal"
                """);
        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::path)
                .contains(tuple(6, "engine.signal-table"));
        assertThat(problems).filteredOn(p -> p.path().equals("engine.signal-table")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("public.cdc signal").contains("schema.table"));
    }

    @Test
    void deadLetterRules() {
        List<ConfigProblem> problems = problems("""
                pipeline: p
                source: {type: postgres, host: db, password: a-long-password}
                sinks:
                  - name: a
                    type: stdout
                    dead-letter: {type: file, path: x.jsonl}
                  - name: b
                    type: stdout
                    on-failure: dead-letter
                checkpoint: {type: memory}
                """);

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(6, "sinks[0].dead-letter", "a dead-letter target is given "
                                + "but on-failure is 'fail'; set on-failure: dead-letter, or remove dead-letter:"),
                        tuple(9, "sinks[1].on-failure", "is dead-letter but there is no "
                                + "dead-letter: section to write to, and no default, because the pipeline has no "
                                + "state directory (its checkpoint store is not 'file'); add dead-letter: "
                                + "{type: ..., ...} to this sink"));
    }

    @Test
    void aCheckpointThatIsNotAFileStoreMeansNoStateDirectory() {
        PipelineSpec spec = parse("""
                pipeline: p
                source: {type: postgres, host: db, password: a-long-password}
                sinks: [{name: out, type: stdout}]
                checkpoint: {type: memory}
                """);

        assertThat(spec.checkpoint().type()).isEqualTo("memory");
        assertThat(spec.stateDirectory()).isEmpty();
    }

    @Test
    void mergeKeysAndAliasesWork() {
        PipelineSpec spec = parse("""
                pipeline: p
                source: {type: postgres, host: db, password: a-long-password}
                sinks:
                  - &redis {name: one, type: redis, host: cache, port: 7000}
                  - <<: *redis
                    name: two
                    port: 7001
                """);

        assertThat(spec.sinks()).extracting(SinkSpec::name).containsExactly("one", "two");
        assertThat(spec.sinks()).extracting(s -> s.sink().options().get(TestPlugins.PORT)).containsExactly(7000, 7001);
        assertThat(spec.sinks()).extracting(s -> s.sink().options().get(TestPlugins.HOST))
                .containsExactly("cache", "cache");
    }

    @Test
    void aliasBombsAreRejected() {
        StringBuilder yaml = new StringBuilder("pipeline: p\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 9; i++) {
            yaml.append('a').append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            yaml.append("]\n");
        }

        assertThat(problems(yaml.toString())).singleElement().satisfies(p ->
                assertThat(p.message()).contains("Number of aliases for non-scalar nodes exceeds the specified max=50"));

        StringBuilder doubling = new StringBuilder("pipeline: p\nb0: &b0 [x, x]\n");
        for (int i = 1; i <= 24; i++) {
            doubling.append('b').append(i).append(": &b").append(i).append(" [*b").append(i - 1).append(", *b")
                    .append(i - 1).append("]\n");
        }
        assertThat(problems(doubling.toString())).singleElement().satisfies(p ->
                assertThat(p.message()).isEqualTo("the YAML expands to more than 100000 values through aliases; "
                        + "write it out without nesting aliases"));
    }

    @Test
    void recursiveAliasesAreReported() {
        List<ConfigProblem> problems = problems("""
                pipeline: p
                source: &s {type: postgres, host: db, password: a-long-password, self: *s}
                """);

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::path, ConfigProblem::message)
                .contains(tuple(2, "source.self", "refers to itself through an alias; a value may not contain itself"));
    }

    @Test
    void emptyAndNonMappingFiles() {
        assertThat(problems("")).singleElement().satisfies(p ->
                assertThat(p.message()).isEqualTo("the file is empty; it needs at least pipeline:, source: and sinks:"));
        assertThat(problems("- a\n- b\n")).singleElement().satisfies(p ->
                assertThat(p.message()).isEqualTo("the file holds a list but it must be a mapping with pipeline:, "
                        + "source: and sinks:"));
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> loader.load(missing)).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("invalid configuration: " + missing + ": the pipeline file does not exist");
    }

    @Nested
    class Interpolation {

        @Test
        void referencesWithoutASchemeAreLeftForThePluginsTemplates() {
            PipelineSpec spec = parse("""
                    pipeline: p
                    source: {type: postgres, host: "${env:DB_HOST:-db}", password: long-enough}
                    sinks:
                      - name: out
                        type: elasticsearch
                        urls: [http://127.0.0.1:9200]
                        index: "${table}-${name}-${env:SUFFIX:-v1}"
                    """);
            assertThat(spec.sinks().get(0).sink().options().get(TestPlugins.INDEX)).isEqualTo("${table}-${name}-v1");
        }

        @Test
        void resolvesEnvironmentVariablesDefaultsAndEscapes() {
            env.put("ES_INDEX", "orders");
            PipelineSpec spec = parse(withSink("""
                    type: elasticsearch
                    urls: ${env:ES_URLS:-http://localhost:9200}
                    index: $${env:ES_INDEX} is ${env:ES_INDEX}, $$ stays, $${
                    password: ${env:PG_PASSWORD}
                """));

            var options = spec.sinks().get(0).sink().options();
            assertThat(options.get(TestPlugins.URLS)).containsExactly("http://localhost:9200");
            assertThat(options.get(TestPlugins.INDEX)).isEqualTo("${env:ES_INDEX} is orders, $$ stays, ${");
            assertThat(options.get(TestPlugins.PASSWORD)).isEqualTo(PG_PASSWORD);
        }

        @Test
        void interpolatedValuesAreConvertedToTheOptionType() {
            env.put("PORT", "6390");
            PipelineSpec spec = parse(withSink("""
                    type: redis
                    host: cache
                    port: ${env:PORT}
                """));

            assertThat(spec.sinks().get(0).sink().options().get(TestPlugins.PORT)).isEqualTo(6390);
        }

        @Test
        void readsFilesWithOneTrailingNewlineRemoved(@TempDir Path dir) throws Exception {
            Path secret = Files.writeString(dir.resolve("password"), "from-a-file\n\n");
            Path host = Files.writeString(dir.resolve("host"), "cache\r\n");

            PipelineSpec spec = parse("""
                    pipeline: p
                    source: {type: postgres, host: "${file:%s}", password: "${file:%s}"}
                    sinks: [{name: out, type: stdout}]
                    """.formatted(host, secret));

            assertThat(spec.source().options().get(TestPlugins.HOST)).isEqualTo("cache");
            assertThat(spec.source().options().get(TestPlugins.PASSWORD)).isEqualTo("from-a-file\n");
        }

        @Test
        void unresolvableReferencesAreReportedOnceWithTheirName(@TempDir Path dir) {
            Path missing = dir.resolve("missing-secret");

            List<ConfigProblem> problems = problems("""
                    pipeline: p
                    source:
                      type: postgres
                      host: ${env:DB_HOST}
                      password: ${file:%s}
                      port: ${vault:db/port}
                    sinks:
                      - name: out
                        type: redis
                        host: "${env:REDIS_HOST"
                    """.formatted(missing));

            assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::path, ConfigProblem::message)
                    .containsExactly(
                            tuple(4, "source.host", "environment variable 'DB_HOST' is "
                                    + "not set; set it, or give a default with ${env:DB_HOST:-value}"),
                            tuple(5, "source.password", "cannot read the file '" + missing
                                    + "' given as ${file:" + missing + "}: no such file"),
                            tuple(6, "source.port", "unknown reference '${vault:db/port}'; "
                                    + "use ${env:NAME}, ${env:NAME:-default} or ${file:/path}, or write $${ for a "
                                    + "literal ${"),
                            tuple(10, "sinks[0].host", "'${' is not closed by '}'; use "
                                    + "${env:NAME}, ${env:NAME:-default} or ${file:/path}, or write $${ for a literal ${"));
        }
    }

    @Nested
    class Secrets {

        @Test
        void aSecretFromTheEnvironmentNeverAppearsInAMessage() {
            env.put("SHORT_PASSWORD", "hunter2");
            env.put("PIN", "not-a-number-but-secret");

            ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> parse("""
                    pipeline: p
                    source:
                      type: postgres
                      host: ${env:PIN}
                      password: ${env:SHORT_PASSWORD}
                      pin: ${env:PIN}
                      port: ${env:PIN}
                    sinks: [{name: out, type: stdout}]
                    """));

            assertThat(e.getMessage()).doesNotContain("hunter2").doesNotContain("not-a-number-but-secret");
            assertThat(e.problems()).extracting(ConfigProblem::path, ConfigProblem::message).containsExactly(
                    tuple("source.password",
                            "was '******' but it must be at least 8 characters long"),
                    tuple("source.pin", "was '******' but it must be an integer"),
                    tuple("source.port", "was '******' but it must be an integer"));
        }

        @Test
        void secretsGivenByCodeAreMaskedToo() {
            Map<String, Object> options = Map.of("host", "db", "password", "short");

            assertThatThrownBy(() -> loader.bind(PluginKind.SOURCE, "postgres", options, "source"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("invalid configuration: source.password: was '******' but it must be at least 8 "
                            + "characters long");
        }
    }

    @Nested
    class BindingFromCode {

        @Test
        void bindsATypeAndAMapOfOptions() {
            PluginSpec<Sink> spec = loader.bind(PluginKind.SINK, "redis", Map.of("host", "cache", "port", 6400),
                    "cache");

            assertThat(spec.instanceName()).isEqualTo("cache");
            assertThat(spec.type()).isEqualTo("redis");
            assertThat(spec.options().get(TestPlugins.PORT)).isEqualTo(6400);
            assertThat(spec.create(PluginContext.of(spec.options(), "p", "cache")))
                    .isInstanceOf(TestPlugins.MadeSink.class);
        }

        @Test
        void reportsUnknownTypesAndOptionsWithTheInstanceName() {
            assertThatThrownBy(() -> loader.bind(PluginKind.SINK, "elastic", Map.of(), "search"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("invalid configuration: search.type: unknown sink type 'elastic'; did you mean "
                            + "'elasticsearch'? known sink types: elasticsearch, file, redis, stdout");
            assertThatThrownBy(() -> loader.bind(PluginKind.SINK, "redis", Map.of("hots", "x"), "cache"))
                    .isInstanceOf(ConfigurationException.class)
                    .satisfies(e -> assertThat(((ConfigurationException) e).problems())
                            .extracting(ConfigProblem::path).containsExactly("cache.hots", "cache.host"));
        }
    }
}
