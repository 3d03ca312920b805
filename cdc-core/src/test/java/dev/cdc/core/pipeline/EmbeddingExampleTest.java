package dev.cdc.core.pipeline;

import dev.cdc.core.spec.RetrySettings;
import dev.cdc.core.spec.FailurePolicy;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.api.error.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Runs the embedding example of the README, as it is written there (see {@link #readmeShowsThisExample}). */
class EmbeddingExampleTest {

    @Test
    void theReadmeExampleDeliversEveryEventAndCompletes() throws Exception {
        // README:embedding-start
        Path dir = Files.createTempDirectory("cdc-demo");
        Pipeline pipeline = Pipeline.builder("demo")
                .source("generator", Map.of("count", 1000, "keys", 100, "rate", 0))
                .filter("operation", Map.of("exclude", List.of("delete")))
                .sink("out", "file", Map.of("path", dir.resolve("out.jsonl").toString()),
                        sink -> sink.onFailure(FailurePolicy.DEAD_LETTER)
                                .retry(new RetrySettings(5, Duration.ofMillis(100), 2.0, Duration.ofSeconds(5), 0.2,
                                        List.of("retriable"))))
                .checkpoint("file", Map.of("path", dir.resolve("state").toString()))
                .build();
        pipeline.start();
        pipeline.awaitTermination(Duration.ofMinutes(1)); // COMPLETED: the generator's 1,000 changes are delivered
        System.out.println(pipeline.status());
        // README:embedding-end

        assertThat(pipeline.state()).isEqualTo(PipelineState.COMPLETED);
        List<String> lines = Files.readAllLines(dir.resolve("out.jsonl"));
        long deletes = lines.stream().filter(l -> l.contains("\"op\":\"d\"")).count();
        long changes = lines.stream().filter(l -> l.matches(".*\"op\":\"[cud]\".*")).count();
        assertThat(deletes).isZero();
        assertThat(changes).isGreaterThan(500).isLessThan(1000);
        assertThat(Files.readString(dir.resolve("state/checkpoint.json"))).contains("\"sequence\"");
        assertThat(pipeline.status().sinks().get(0).written()).isEqualTo(changes);
    }

    @Test
    void aYamlStringWorksToo() throws Exception {
        Path dir = Files.createTempDirectory("cdc-yaml");
        String yaml = """
                pipeline: inline
                source: {type: generator, count: 50, rate: 0}
                sinks:
                  - {name: out, type: file, path: '%s'}
                checkpoint: {type: memory}
                """.formatted(dir.resolve("out.jsonl"));
        Pipeline p = Pipeline.fromYaml(yaml, "inline.yaml");
        p.start();
        assertThat(p.awaitTermination(Duration.ofSeconds(30))).isTrue();
        assertThat(p.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(Files.readAllLines(dir.resolve("out.jsonl")).stream().filter(l -> l.contains("\"op\":\"")).count())
                .isEqualTo(51); // 50 changes and the table's schema event
    }

    @Test
    void theBuilderReportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> Pipeline.builder("bad")
                .source("generater", Map.of())
                .sink("out", "file", Map.of("pth", "x"))
                .sink("other", "stdout", Map.of("format", "xml"))
                .build())
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).problems()).hasSize(4))
                .hasMessageContaining("unknown source type 'generater'")
                .hasMessageContaining("did you mean 'generator'")
                .hasMessageContaining("pth")
                .hasMessageContaining("path")
                .hasMessageContaining("xml");
    }

    @Test
    void readmeShowsThisExample() throws Exception {
        Path readme = Path.of("..", "README.md");
        String source = Files.readString(Path.of("src/test/java/dev/cdc/core/pipeline/EmbeddingExampleTest.java"));
        String example = source.substring(source.indexOf("// README:embedding-start") + "// README:embedding-start".length(),
                source.indexOf("// README:embedding-end"));
        String indented = example.stripTrailing();
        List<String> lines = indented.lines().filter(l -> !l.isBlank()).map(l -> l.length() >= 8 ? l.substring(8) : l.strip())
                .toList();
        assertThat(Files.readString(readme)).as("README.md's embedding example must equal this test's code")
                .contains(String.join("\n", lines));
    }
}
