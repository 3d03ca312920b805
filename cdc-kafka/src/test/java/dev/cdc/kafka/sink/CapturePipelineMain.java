package dev.cdc.kafka.sink;

import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.EngineSettings;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A capture pipeline: PostgreSQL to the {@code kafka} sink with {@code delivery: exactly-once} and
 * the {@code kafka} checkpoint store. {@link ExactlyOnceKillIT} runs it in a child JVM and kills it
 * with SIGKILL. Arguments: bootstrap servers, JDBC URL, table (schema.name), slot, topic prefix.
 * Runs until killed.
 */
public final class CapturePipelineMain {

    private CapturePipelineMain() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String prefix = args[4];
        Pipeline pipeline = Pipeline.builder("eos-" + prefix)
                .source("postgres", Map.of("url", args[1], "user", "postgres", "tables", List.of(args[2]),
                        "slot", args[3], "publication", args[3]))
                .sink("kafka", "kafka", Map.of("bootstrap-servers", List.of(bootstrap), "delivery", "exactly-once",
                        "topic-template", prefix + ".${table}", "schema-topic", prefix + "._schema",
                        "state-topic", prefix + "._state"))
                .checkpoint("kafka", Map.of("bootstrap-servers", List.of(bootstrap), "topic", prefix + "._checkpoints"))
                .engine(new EngineSettings(500, 4096, Duration.ofMillis(300), Duration.ofSeconds(5),
                        Duration.ofMillis(20)))
                .build();
        pipeline.start();
        // tells the test when this run has written changes, so that its kill lands mid-stream
        long startedWith = -1;
        while (!pipeline.awaitTermination(Duration.ofMillis(20))) {
            long written = pipeline.status().sinks().get(0).written();
            if (startedWith < 0) {
                startedWith = written;
            } else if (written > startedWith) {
                System.out.println("streaming: " + written + " events written");
                break;
            }
        }
        pipeline.awaitTermination(Duration.ofMinutes(10));
        System.exit(1);
    }
}
