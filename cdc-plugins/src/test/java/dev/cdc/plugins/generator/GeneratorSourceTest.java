package dev.cdc.plugins.generator;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GeneratorSourceTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T00:00:00Z"), ZoneOffset.UTC);

    private static GeneratorSource source(Map<String, ?> options) {
        return new GeneratorSource(GeneratorSettings.of(options), CLOCK);
    }

    private static List<StreamEvent> run(GeneratorSource source, RecordingSourceContext context) throws Exception {
        source.open(context);
        source.run(context);
        source.close();
        return context.events;
    }

    @Test
    void stopsAfterCountChangesWithContiguousPositions() throws Exception {
        RecordingSourceContext context = new RecordingSourceContext();
        List<StreamEvent> events = run(source(Map.of("count", 1000, "rate", 0, "batch-size", 64,
                "tables", "a.x,a.y")), context);
        assertThat(events).hasSize(1002);
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).position()).isEqualTo(Position.ofSequence(i));
        }
        assertThat(context.batchSizes).allSatisfy(size -> assertThat(size).isBetween(1, 64));
    }

    @Test
    void resumingContinuesExactlyTheFreshStream() throws Exception {
        Map<String, Object> options = Map.of("count", 2000, "rate", 0, "keys", 40, "tables", "s.a,s.b,s.c");
        List<StreamEvent> fresh = run(source(options), new RecordingSourceContext());
        List<StreamEvent> resumed = run(source(options),
                new RecordingSourceContext(Optional.of(Position.ofSequence(500))));
        assertThat(fresh).hasSize(2003);
        assertThat(resumed).containsExactlyElementsOf(fresh.subList(501, fresh.size()));
    }

    @Test
    void resumingAtTheEndEmitsNothing() throws Exception {
        List<StreamEvent> events = run(source(Map.of("count", 10, "rate", 0)),
                new RecordingSourceContext(Optional.of(Position.ofSequence(10))));
        assertThat(events).isEmpty();
    }

    @Test
    void aForeignCheckpointIsRefusedWithAFix() {
        RecordingSourceContext context = new RecordingSourceContext(Optional.of(Position.of(Map.of("lsn", "0/16B3748"),
                "x")));
        assertThatThrownBy(() -> source(Map.of()).open(context))
                .isInstanceOf(CdcException.class).hasMessageContaining("'sequence'").hasMessageContaining("Delete");
    }

    @Test
    void rateIsRoughlyHonoured() throws Exception {
        RecordingSourceContext context = new RecordingSourceContext();
        context.stopAfterMillis(500);
        run(source(Map.of("rate", 2000, "tables", "a.x")), context);
        assertThat(context.events.size()).isBetween(500, 1500);
    }

    /** Runs with a stop requested after 100 ms and checks the run ended within a second. */
    private static RecordingSourceContext runStoppedAfter100ms(Map<String, ?> options) throws Exception {
        RecordingSourceContext context = new RecordingSourceContext();
        context.stopAfterMillis(100);
        long start = System.nanoTime();
        run(source(options), context);
        assertThat(System.nanoTime() - start).as("stopped within 5 s of the request (loaded CI machines pause)")
                .isLessThan(5_000_000_000L);
        return context;
    }

    @Test
    void stopsPromptlyWhilePacingSlowly() throws Exception {
        assertThat(runStoppedAfter100ms(Map.of("rate", 0.5)).events).hasSize(1);
    }

    @Test
    void stopsPromptlyWhenUnpaced() throws Exception {
        assertThat(runStoppedAfter100ms(Map.of("rate", 0)).events).isNotEmpty();
    }

    @Test
    void anInterruptWhilePacingEndsTheRun() throws Exception {
        GeneratorSource source = source(Map.of("rate", 0.1));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                source.run(new RecordingSourceContext());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.start();
        Thread.sleep(50);
        thread.interrupt();
        thread.join(2000);
        assertThat(thread.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void saysItIsSynthetic() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(GeneratorSource.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            run(source(Map.of("count", 1, "rate", 0)), new RecordingSourceContext());
        } finally {
            logger.detachAppender(appender);
        }
        assertThat(appender.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).contains("generator source: emitting SYNTHETIC changes");
        });
        assertThat(new GeneratorSourceFactory().description()).contains("SYNTHETIC");
    }
}
