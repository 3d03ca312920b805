package dev.cdc.plugins.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Events and helpers shared by the sink tests. */
final class SinkFixtures {

    static final ObjectMapper JSON = new ObjectMapper();
    static final TableId ORDERS = TableId.of("public", "orders");
    static final Instant COMMIT = Instant.parse("2026-01-02T13:45:00Z");

    private SinkFixtures() {
    }

    static Sink create(SinkFactory factory, Map<String, ?> options) {
        return factory.create(PluginContext.of(Configuration.of(factory.options(), options), "orders", "sinks[0]"));
    }

    /** Inserts with ids from..to-1, each at position id. */
    static List<ChangeEvent> inserts(long from, long to) {
        List<ChangeEvent> out = new ArrayList<>();
        for (long id = from; id < to; id++) {
            out.add(ChangeEvent.insert(ORDERS, Row.of("id", id), Row.of("id", id, "total",
                    new BigDecimal("12345678901234567890.123456789")), COMMIT, Position.ofSequence(id)));
        }
        return out;
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
