package dev.cdc.core.plugin;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.spi.Checkpoint;
import dev.cdc.api.spi.CheckpointStore;
import dev.cdc.api.spi.CheckpointStoreFactory;
import dev.cdc.api.spi.Filter;
import dev.cdc.api.spi.FilterFactory;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.PluginFactory;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.api.spi.SourceFactory;
import dev.cdc.api.spi.Transformer;
import dev.cdc.api.spi.TransformerFactory;

import java.util.List;
import java.util.Optional;

/**
 * Test-only plugin factories. Each creates a plugin that remembers the context it was made
 * from, so tests can check what a {@code PluginSpec} creates.
 */
public final class TestPlugins {

    public static final ConfigOption<String> HOST = ConfigOption.key("host").stringType().required()
            .description("The server's host name.");
    public static final ConfigOption<Integer> PORT = ConfigOption.key("port").intType().defaultValue(5432)
            .check(p -> p > 0 && p < 65536, "a port between 1 and 65535").description("The server's port.");
    public static final ConfigOption<Integer> REDIS_PORT = PORT.defaultValue(6379);
    public static final ConfigOption<String> PASSWORD = ConfigOption.key("password").stringType().required().secret()
            .check(p -> p.length() >= 8, "at least 8 characters long").description("The password.");
    public static final ConfigOption<Integer> PIN = ConfigOption.key("pin").intType().defaultValue(1234).secret()
            .description("A secret number.");
    public static final ConfigOption<List<String>> URLS = ConfigOption.key("urls").listType().required()
            .description("Cluster URLs.");
    public static final ConfigOption<String> INDEX = ConfigOption.key("index").stringType().defaultValue("events")
            .description("Index name | template.");
    public static final ConfigOption<String> PATH = ConfigOption.key("path").stringType().required()
            .description("Where to write.");
    public static final ConfigOption<String> FORMAT = ConfigOption.key("format").enumType("json", "json-pretty")
            .defaultValue("json").description("How events are written.");
    public static final ConfigOption<List<String>> INCLUDE = ConfigOption.key("include").listType()
            .defaultValue(List.of()).description("Tables to keep.");
    public static final ConfigOption<List<String>> COLUMNS = ConfigOption.key("columns").listType().required()
            .description("Columns to mask.");

    private TestPlugins() {
    }

    /** postgres source; elasticsearch, file, redis, stdout sinks; table filter; mask-columns transform; file, memory checkpoints. */
    public static List<PluginFactory> standard() {
        return List.of(
                new TestSource("postgres", List.of(HOST, PORT, PASSWORD, PIN)),
                new TestSink("elasticsearch", List.of(URLS, INDEX, PASSWORD.defaultValue("changeme-please"))),
                new TestSink("file", List.of(PATH, FORMAT)),
                new TestSink("redis", List.of(HOST, REDIS_PORT)),
                new TestSink("stdout", List.of()),
                new TestFilter("table", List.of(INCLUDE)),
                new TestTransform("mask-columns", List.of(COLUMNS)),
                new TestCheckpoint("file", List.of(PATH)),
                new TestCheckpoint("memory", List.of()));
    }

    public static PluginRegistry standardRegistry() {
        return PluginRegistry.of(standard());
    }

    /** Common parts of the test factories. */
    abstract static class Base implements PluginFactory {
        private final String type;
        private final List<ConfigOption<?>> options;

        Base(String type, List<ConfigOption<?>> options) {
            this.type = type;
            this.options = options;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public String description() {
            return "Test " + type + " plugin.";
        }

        @Override
        public List<ConfigOption<?>> options() {
            return options;
        }
    }

    public static class TestSource extends Base implements SourceFactory {
        public TestSource(String type, List<ConfigOption<?>> options) {
            super(type, options);
        }

        @Override
        public Source create(PluginContext context) {
            return new MadeSource(context);
        }
    }

    public static class TestSink extends Base implements SinkFactory {
        public TestSink(String type, List<ConfigOption<?>> options) {
            super(type, options);
        }

        @Override
        public Sink create(PluginContext context) {
            return new MadeSink(context);
        }
    }

    public static class TestFilter extends Base implements FilterFactory {
        public TestFilter(String type, List<ConfigOption<?>> options) {
            super(type, options);
        }

        @Override
        public Filter create(PluginContext context) {
            return new MadeFilter(context);
        }
    }

    public static class TestTransform extends Base implements TransformerFactory {
        public TestTransform(String type, List<ConfigOption<?>> options) {
            super(type, options);
        }

        @Override
        public Transformer create(PluginContext context) {
            return new MadeTransformer(context);
        }
    }

    public static class TestCheckpoint extends Base implements CheckpointStoreFactory {
        public TestCheckpoint(String type, List<ConfigOption<?>> options) {
            super(type, options);
        }

        @Override
        public CheckpointStore create(PluginContext context) {
            return new MadeCheckpointStore(context);
        }
    }

    /** Registered through a services file in {@link PluginRegistryTest}. */
    public static final class DiscoveredSink extends TestSink {
        public DiscoveredSink() {
            super("discovered-sink", List.of(PATH));
        }
    }

    /** Claims the same type as {@link DiscoveredSink}. */
    public static final class ClashingSink extends TestSink {
        public ClashingSink() {
            super("discovered-sink", List.of());
        }
    }

    public static final class DiscoveredFilter extends TestFilter {
        public DiscoveredFilter() {
            super("discovered-filter", List.of());
        }
    }

    /** Fails when ServiceLoader instantiates it. */
    public static final class BrokenSink extends TestSink {
        public BrokenSink() {
            super("broken", List.of());
            throw new IllegalStateException("needs the elasticsearch client on the class path");
        }
    }

    public record MadeSource(PluginContext context) implements Source {
        @Override
        public void run(SourceContext ctx) {
        }

        @Override
        public void close() {
        }
    }

    public record MadeSink(PluginContext context) implements Sink {
        @Override
        public void write(List<ChangeEvent> events) {
        }

        @Override
        public void close() {
        }
    }

    public record MadeFilter(PluginContext context) implements Filter {
        @Override
        public boolean test(ChangeEvent event) {
            return true;
        }
    }

    public record MadeTransformer(PluginContext context) implements Transformer {
        @Override
        public Optional<ChangeEvent> apply(ChangeEvent event) {
            return Optional.of(event);
        }
    }

    public record MadeCheckpointStore(PluginContext context) implements CheckpointStore {
        @Override
        public Optional<Checkpoint> load() {
            return Optional.empty();
        }

        @Override
        public void save(Checkpoint checkpoint) {
        }

        @Override
        public void close() {
        }
    }
}
