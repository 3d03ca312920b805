package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cdc run examples/quickstart.yaml}, as the README tells people to run it. */
class QuickstartIT {

    @TempDir
    Path work;

    @Test
    void theQuickstartPrintsAndArchivesTheSchemaAndTwentyRowChangesAndExits0() throws Exception {
        CdcJar cdc = CdcJar.start(work, "quickstart", "run", Cli.examples().resolve("quickstart.yaml").toString());

        assertThat(cdc.waitFor(60)).as(cdc.stderr()).isZero();

        List<JsonNode> archived = CdcJar.jsonLines(work.resolve("out/quickstart.jsonl"));
        // the generator announces the table's schema (sequence 0) before its 20 row changes (1..20)
        assertThat(archived).hasSize(21);
        assertThat(archived.get(0).path("op").asText()).isEqualTo("schema");
        assertThat(CdcJar.sequence(archived.get(0))).isZero();
        for (JsonNode e : archived.subList(1, archived.size())) {
            assertThat(e.path("op").asText()).isIn("c", "u", "d");
            assertThat(e.path("table").asText()).isEqualTo("demo.orders");
            assertThat(e.path("key").path("id").isNumber()).isTrue();
            assertThat(e.path("source").path("pipeline").asText()).isEqualTo("quickstart");
        }
        Set<Long> sequences = archived.stream().map(CdcJar::sequence).collect(Collectors.toSet());
        assertThat(sequences).hasSize(21).allSatisfy(s -> assertThat(s).isBetween(0L, 20L));

        List<String> printed = cdc.stdout().lines().filter(l -> !l.isBlank()).toList();
        assertThat(printed).hasSize(21);
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < printed.size(); i++) {
            assertThat(withoutWriteTime(json.readTree(printed.get(i)))).isEqualTo(withoutWriteTime(archived.get(i)));
        }
        assertThat(CdcJar.checkpointSequence(work.resolve("state/quickstart"))).hasValue(20);
        assertThat(cdc.stderr()).contains("completed; checkpoint at {sequence=20}; captured 21 events")
                .doesNotContain("Exception");
    }

    /** stdout and the file got the same events; only {@code ts_ms}, the time of writing, may differ. */
    private static JsonNode withoutWriteTime(JsonNode event) {
        ObjectNode copy = event.deepCopy();
        copy.remove("ts_ms");
        return copy;
    }
}
