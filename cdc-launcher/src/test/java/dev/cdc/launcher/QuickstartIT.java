package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code examples/quickstart.sh}, as the README tells people to run it: an embedded H2 database,
 * a writer making 20 changes, captured by jdbc-trigger into the console and a file.
 */
class QuickstartIT {

    @TempDir
    Path work;

    @Test
    void theQuickstartCapturesTheSnapshotAndTheWritersTwentyChangesAndExits0() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", Cli.examples().resolve("quickstart.sh").toString())
                .directory(work.toFile()).redirectOutput(work.resolve("stdout.txt").toFile())
                .redirectError(work.resolve("stderr.txt").toFile());
        pb.environment().put("CDC_JAR", CdcJar.jar().toString());
        pb.environment().put("CDC_JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the quickstart ends by itself").isTrue();
        String stderr = Files.readString(work.resolve("stderr.txt"));
        assertThat(p.exitValue()).as(stderr).isZero();

        List<JsonNode> archived = CdcJar.jsonLines(work.resolve("out/quickstart.jsonl"));
        assertThat(archived.get(0).path("op").asText()).isEqualTo("schema");
        assertThat(archived.stream().map(e -> e.path("op").asText()).toList())
                .as("the schema, 3 rows read by the snapshot, the writer's 20 changes").hasSize(24)
                .containsOnly("schema", "r", "c", "u", "d");
        Map<String, Long> ops = new TreeMap<>();
        archived.forEach(e -> ops.merge(e.path("op").asText(), 1L, Long::sum));
        assertThat(ops).containsEntry("r", 3L).containsEntry("c", 8L).containsEntry("u", 9L).containsEntry("d", 3L);
        for (JsonNode e : archived.subList(1, archived.size())) {
            assertThat(e.path("table").asText()).isEqualTo("demo.orders");
            assertThat(e.path("key").path("id").isNumber()).isTrue();
        }
        JsonNode update = archived.stream().filter(e -> e.path("op").asText().equals("u")).findFirst().orElseThrow();
        assertThat(update.path("before").path("status").asText()).as("updates carry the row before").isNotEmpty();

        List<String> printed = Files.readAllLines(work.resolve("stdout.txt")).stream().filter(l -> l.startsWith("{"))
                .toList();
        assertThat(printed).hasSize(24);
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < printed.size(); i++) {
            assertThat(withoutWriteTime(json.readTree(printed.get(i)))).isEqualTo(withoutWriteTime(archived.get(i)));
        }
        assertThat(work.resolve("state/quickstart/checkpoint.json")).exists();
        assertThat(stderr).contains("completed; checkpoint at {id=20}; captured 24 events").doesNotContain("Exception");
    }

    /** stdout and the file got the same events; only {@code ts_ms}, the time of writing, may differ. */
    private static JsonNode withoutWriteTime(JsonNode event) {
        ObjectNode copy = event.deepCopy();
        copy.remove("ts_ms");
        return copy;
    }
}
