package dev.cdc.core.backfill;

import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackfillJsonTest {

    @Test
    void aRequestDocumentRoundTrips() {
        BackfillRequest r = new BackfillRequest("r1", TableId.of("public", "orders"), Optional.of("id > 5"),
                List.of(List.of("1", "x"), List.of("2", "y")), Set.of("es"), Optional.empty());
        assertThat(BackfillJson.request(BackfillJson.request(r).toString(), "unused")).isEqualTo(r);
        BackfillRequest minimal = BackfillJson.request("{\"table\":\"public.orders\"}", "gen");
        assertThat(minimal).isEqualTo(BackfillRequest.table("gen", TableId.of("public", "orders")));
    }

    @Test
    void badDocumentsSayWhatIsWrong() {
        assertThatThrownBy(() -> BackfillJson.request("{", "x")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> BackfillJson.request("{\"where\":\"a\"}", "x")).hasMessageContaining("needs \"table\"");
        assertThatThrownBy(() -> BackfillJson.request("{\"table\":\"t\",\"sink\":[\"es\"]}", "x"))
                .hasMessageContaining("unknown field \"sink\"");
        assertThatThrownBy(() -> BackfillJson.request("{\"table\":\"t\",\"keys\":5}", "x"))
                .hasMessageContaining("\"keys\" must be a list");
    }
}
