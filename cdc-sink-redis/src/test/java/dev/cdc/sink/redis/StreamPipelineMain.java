package dev.cdc.sink.redis;

import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineState;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a pipeline (generator to the redis sink in stream mode, file checkpoints) until it
 * completes; {@link RedisStreamCrashIT} runs it in a child JVM and kills it with SIGKILL.
 * Arguments: key prefix, checkpoint directory, event count, events per second.
 */
public final class StreamPipelineMain {

    private StreamPipelineMain() {
    }

    public static void main(String[] args) throws Exception {
        String prefix = args[0];
        Pipeline pipeline = Pipeline.builder("redis-crash")
                .source("generator", Map.of("count", Long.parseLong(args[2]), "keys", 50,
                        "rate", Double.parseDouble(args[3]), "tables", List.of("demo.orders", "demo.customers")))
                .sink("redis", "redis", RedisFixture.options(prefix, "stream"))
                .checkpoint("file", Map.of("path", args[1]))
                .build();
        pipeline.start();
        pipeline.awaitTermination(Duration.ofMinutes(5));
        System.exit(pipeline.state() == PipelineState.COMPLETED ? 0 : 1);
    }
}
