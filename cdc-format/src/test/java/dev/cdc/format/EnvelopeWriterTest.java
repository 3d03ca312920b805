package dev.cdc.format;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.cdc.format.Events.COMMIT;
import static dev.cdc.format.Events.ORDERS;
import static dev.cdc.format.Events.POSITION;
import static dev.cdc.format.Events.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvelopeWriterTest {

    private final ChangeEvent event = ChangeEvent.insert(ORDERS, Row.of("id", 1L),
            Row.of("id", 1L, "name", "é\"x"), COMMIT, POSITION);

    @Test
    void toBytesToJsonAndWriteAgree() throws Exception {
        EnvelopeWriter w = Events.writer(EnvelopeFormat.CDC);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = w.newGenerator(out)) {
            w.write(event, g);
            g.writeRaw('\n');
            w.write(event, g);
            g.writeRaw('\n');
        }

        String json = w.toJson(event);

        assertThat(new String(w.toBytes(event), StandardCharsets.UTF_8)).isEqualTo(json);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(json + "\n" + json + "\n");
        assertThat(json).doesNotContain("\n");
    }

    @Test
    void closingANewGeneratorDoesNotCloseTheStream() throws Exception {
        EnvelopeWriter w = Events.writer(EnvelopeFormat.DEBEZIUM);
        boolean[] closed = {false};
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        w.newGenerator(out).close();

        assertThat(closed[0]).isFalse();
    }

    @Test
    void keyToBytesIsTheKeyObject() {
        byte[] key = Events.writer(EnvelopeFormat.DEBEZIUM).keyToBytes(event);

        assertThat(new String(key, StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}");
    }

    @Test
    void formatNamesParse() {
        assertThat(EnvelopeFormat.parse("Debezium")).isEqualTo(EnvelopeFormat.DEBEZIUM);
        assertThat(EnvelopeFormat.CDC.yamlName()).isEqualTo("cdc");
        assertThatThrownBy(() -> EnvelopeFormat.parse("avro")).hasMessageContaining("[cdc, debezium]");
        assertThat(EnvelopeOptions.FORMAT.convert("debezium")).isEqualTo(EnvelopeFormat.DEBEZIUM);
        assertThat(EnvelopeOptions.FORMAT.defaultValue()).contains(EnvelopeFormat.CDC);
    }

    @Test
    void aSinksWriterComesFromItsContext() {
        var options = dev.cdc.api.config.Configuration.of(List.of(EnvelopeOptions.FORMAT), java.util.Map.of("format", "debezium"));
        EnvelopeWriter w = EnvelopeOptions.writer(dev.cdc.api.spi.PluginContext.of(options, "pipe", "sinks[0]"));

        assertThat(w.format()).isEqualTo(EnvelopeFormat.DEBEZIUM);
        assertThat(w.pipelineName()).isEqualTo("pipe");
        assertThat(parse(w.toBytes(event)).get("source").get("name").asText()).isEqualTo("pipe");
    }

    @Test
    void aFailingValueIsReportedWithTheEventsPosition() {
        Object bad = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no text");
            }
        };
        ChangeEvent e = ChangeEvent.insert(ORDERS, Row.empty(), Row.of("v", bad), COMMIT, POSITION);

        assertThatThrownBy(() -> Events.writer(EnvelopeFormat.CDC).toBytes(e)).hasMessageContaining("no text");
    }

    @Test
    void oneWriterServesManyThreads() throws Exception {
        EnvelopeWriter w = EnvelopeWriter.of(EnvelopeFormat.CDC, "p");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        long id = thread * 1_000_000L + i;
                        ChangeEvent e = ChangeEvent.insert(ORDERS, Row.of("id", id),
                                Row.of("id", id, "amount", BigDecimal.valueOf(id, 2)), COMMIT, Position.ofSequence(id));
                        var n = parse(w.toBytes(e));
                        if (n.get("key").get("id").longValue() != id
                                || !n.get("after").get("amount").asText().equals(BigDecimal.valueOf(id, 2).toPlainString())
                                || !n.get("source").get("position").get("sequence").asText().equals(Long.toString(id))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
