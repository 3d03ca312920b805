package dev.cdc.plugins.sink;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.format.EnvelopeFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in sink factories: found by ServiceLoader, defaults pinned, created from minimal options. */
class SinkFactoriesTest {

    private static Map<String, SinkFactory> byType() {
        return ServiceLoader.load(SinkFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.getClass().getPackageName().equals("dev.cdc.plugins.sink"))
                .collect(Collectors.toMap(SinkFactory::type, Function.identity()));
    }

    @Test
    void serviceLoaderFindsEveryBuiltInSink() {
        Map<String, SinkFactory> factories = byType();

        assertThat(factories).containsOnlyKeys("stdout", "file", "discard");
        assertThat(factories.get("stdout")).isInstanceOf(StdoutSinkFactory.class);
        assertThat(factories.get("file")).isInstanceOf(FileSinkFactory.class);
        assertThat(factories.get("discard")).isInstanceOf(DiscardSinkFactory.class);
        factories.values().forEach(f -> {
            assertThat(f.description()).as(f.type()).isNotBlank().doesNotContain("\n");
            f.options().forEach(o -> assertThat(o.description()).as(f.type() + "." + o.key()).isNotBlank());
        });
    }

    @Test
    void optionsAndDefaultsArePinned() {
        assertThat(new StdoutSinkFactory().options()).extracting(ConfigOption::key).startsWith("format", "pretty")
                .containsSubsequence("decimal.handling.mode", "tombstones.on.delete", "schemas.enable", "topic.prefix");
        assertThat(new FileSinkFactory().options()).extracting(ConfigOption::key)
                .startsWith("path", "format", "fsync").contains("decimal.handling.mode", "skipped.operations");
        assertThat(new FileSinkFactory().requiredOptions()).extracting(ConfigOption::key).containsExactly("path");
        assertThat(new DiscardSinkFactory().options()).extracting(ConfigOption::key).containsExactly("delay-per-batch");
        assertThat(DiscardSinkFactory.DELAY_PER_BATCH.defaultValue()).contains(java.time.Duration.ZERO);
        assertThat(StdoutSinkOptions.FORMAT.defaultValue()).contains(EnvelopeFormat.CDC);
        assertThat(StdoutSinkOptions.PRETTY.defaultValue()).contains(false);
        assertThat(FileSinkOptions.FSYNC.defaultValue()).contains(true);
        assertThat(FileSinkOptions.FORMAT.allowedValues()).containsExactly("cdc", "debezium");
    }

    @Test
    void eachIsCreatedFromMinimalOptionsAndClosesCleanly(@TempDir Path dir) throws Exception {
        Map<String, Map<String, ?>> minimal = Map.of("stdout", Map.of(), "discard", Map.of(),
                "file", Map.of("path", dir.resolve("out.jsonl").toString()));
        for (SinkFactory f : byType().values()) {
            Sink sink = SinkFixtures.create(f, minimal.get(f.type()));
            sink.open();
            sink.flush();
            sink.close();
            sink.close();
        }
        assertThat(dir.resolve("out.jsonl")).exists().isEmptyFile();
    }
}
