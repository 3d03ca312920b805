package dev.cdc.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdc.api.event.Position;
import dev.cdc.api.spi.Checkpoint;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointCodecTest {

    static final Checkpoint CHECKPOINT = new Checkpoint("orders",
            Position.of(Map.of("lsn", "23923456", "tx_index", "3"), "00000000016d0c00-0003"),
            Instant.parse("2026-01-02T13:45:00.250Z"), Map.of("events", "1042", "engine", "0.1.0"));

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void roundTripsExactly() {
        assertThat(CheckpointCodec.decode(CheckpointCodec.encode(CHECKPOINT))).isEqualTo(CHECKPOINT);
        assertThat(CheckpointCodec.decode(bytes(CheckpointCodec.toPrettyJson(CHECKPOINT)))).isEqualTo(CHECKPOINT);
    }

    @Test
    void writesTheDocumentedFields() throws Exception {
        JsonNode n = new ObjectMapper().readTree(CheckpointCodec.encode(CHECKPOINT));

        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("pipeline", "position", "saved_at", "metadata", "format_version");
        assertThat(n.get("position").get("offsets").get("lsn").asText()).isEqualTo("23923456");
        assertThat(n.get("position").get("sort_key").asText()).isEqualTo("00000000016d0c00-0003");
        assertThat(n.get("saved_at").asText()).isEqualTo("2026-01-02T13:45:00.250Z");
        assertThat(n.get("metadata").get("events").asText()).isEqualTo("1042");
        assertThat(n.get("format_version").intValue()).isEqualTo(1);
        assertThat(CheckpointCodec.toPrettyJson(CHECKPOINT)).contains("\n");
    }

    @Test
    void acceptsMissingMetadataAndNumericOffsets() {
        Checkpoint c = CheckpointCodec.decode(bytes("{\"pipeline\":\"p\",\"position\":{\"offsets\":{\"sequence\":5},"
                + "\"sort_key\":\"0005\"},\"saved_at\":\"2026-01-02T00:00:00Z\",\"format_version\":1}"));

        assertThat(c.metadata()).isEmpty();
        assertThat(c.position().offset("sequence")).isEqualTo("5");
    }

    @Test
    void saysWhatIsWrong() {
        String valid = new String(CheckpointCodec.encode(CHECKPOINT), StandardCharsets.UTF_8);

        assertThatThrownBy(() -> CheckpointCodec.decode(bytes(""))).hasMessageContaining("empty");
        assertThatThrownBy(() -> CheckpointCodec.decode(bytes("{\"pipeline\":"))).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> CheckpointCodec.decode(bytes("[1,2]"))).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> CheckpointCodec.decode(bytes(valid.replace("\"sort_key\"", "\"sortkey\""))))
                .hasMessageContaining("'position.sort_key' is missing");
        assertThatThrownBy(() -> CheckpointCodec.decode(bytes(valid.replace("\"format_version\":1", "\"format_version\":2"))))
                .hasMessageContaining("format_version is 2").hasMessageContaining("newer");
        assertThatThrownBy(() -> CheckpointCodec.decode(bytes(valid.replace("\"23923456\"", "{\"a\":1}"))))
                .hasMessageContaining("position.offsets.lsn");
        assertThatThrownBy(() -> CheckpointCodec.decode(bytes(valid.replace("2026-01-02T13:45:00.250Z", "yesterday"))))
                .hasMessageContaining("saved_at").hasMessageContaining("yesterday");
        assertThatThrownBy(() -> CheckpointCodec.decode(bytes(valid.replace("\"pipeline\":\"orders\"", "\"pipeline\":3"))))
                .hasMessageContaining("'pipeline' is not a string");
    }
}
