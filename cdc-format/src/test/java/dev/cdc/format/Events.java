package dev.cdc.format;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** Test fixtures: a fixed clock, a table, a position, and a lossless JSON parser. */
final class Events {

    static final Instant COMMIT = Instant.parse("2026-01-02T13:45:00.123456Z");
    static final Instant NOW = Instant.parse("2026-01-02T13:45:01.5Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final TableId ORDERS = TableId.of("public", "orders");
    static final Position POSITION = Position.of(Map.of("lsn", "23923456", "tx_index", "3"), "00000000016d0c00-0003");

    /** BigDecimal for every JSON decimal, so no test passes by rounding. */
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private Events() {
    }

    static EnvelopeWriter writer(EnvelopeFormat format) {
        return EnvelopeWriter.of(format, "orders-pipeline", CLOCK);
    }

    static JsonNode parse(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
