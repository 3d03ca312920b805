package dev.cdc.kafka.source;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A consumer pipeline's source in a JVM of its own, for {@link KafkaSourceRestartIT}: the kafka
 * source (group and topic from the arguments, pipeline name {@code args[2]}, its default static
 * membership id) into a context that prints, once, how long after {@code open} its first event
 * came ({@code first event after N ms}). Runs until killed, or until its standard input ends: then
 * it closes the source (leaving the group) and exits.
 * Arguments: bootstrap servers, topic, pipeline name, group, and optionally a group-instance-id
 * ({@code none}: a dynamic member, to see the session timeout the default avoids).
 */
public final class ConsumerPipelineMain {

    private ConsumerPipelineMain() {
    }

    public static void main(String[] args) throws Exception {
        KafkaSourceFactory f = new KafkaSourceFactory();
        Map<String, Object> options = new HashMap<>(Map.of("bootstrap-servers", List.of(args[0]), "topics",
                List.of(args[1]), "group-id", args[3]));
        if (args.length > 4) {
            options.put("group-instance-id", args[4]);
        }
        Source source = f.create(PluginContext.of(Configuration.of(f.options(), options), args[2], "source"));
        Printing context = new Printing();
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // until the test closes it
                }
            } catch (IOException e) {
                // the same: stop
            }
            context.stopping = true;
        });
        stdin.setDaemon(true);
        stdin.start();
        context.opened = System.nanoTime();
        source.open(context);
        source.run(context);
        source.close();
        System.out.println("closed");
        System.exit(0);
    }

    private static final class Printing implements SourceContext {
        volatile boolean stopping;
        long opened;
        boolean printed;

        @Override
        public String pipelineName() {
            return "restart";
        }

        @Override
        public Optional<Position> resumePosition() {
            return Optional.empty();
        }

        @Override
        public void emit(List<? extends StreamEvent> batch) {
            if (!printed && !batch.isEmpty()) {
                printed = true;
                System.out.println("first event after " + (System.nanoTime() - opened) / 1_000_000 + " ms");
            }
        }

        @Override
        public boolean isStopping() {
            return stopping;
        }
    }
}
