package dev.cdc.launcher.verify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.launcher.monitor.VerifyResults;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** cdc verify keeps each table and sink's latest result in the state directory; the running launcher shows them. */
class VerifyRecordsTest {

    @TempDir
    Path state;

    private static PairResult result(String table, String sink, long rows, Difference... differences) {
        PairResult r = new PairResult(table, sink);
        r.sourceRows = rows;
        r.chunks = 1;
        r.differences.addAll(List.of(differences));
        return r;
    }

    private static Difference missing(String key) {
        return new Difference(Difference.Kind.MISSING, key, List.of(key), List.of());
    }

    @Test
    void theLatestResultOfEachPairIsKeptAndTheRepairsReCheckCounts() throws Exception {
        VerifyRecords records = new VerifyRecords(state);
        Instant at = Instant.parse("2026-12-07T04:00:00Z");
        PairResult found = result("public.orders", "search", 2000, missing("1"), missing("2"),
                new Difference(Difference.Kind.EXTRA, "9001", List.of("9001"), List.of()),
                new Difference(Difference.Kind.DIFFERENT, "5", List.of("5"), List.of("v")));
        records.save(found, Optional.empty(), Optional.empty(), at, Duration.ofMillis(1500), 10);
        records.save(result("public.orders", "cache", 2000), Optional.empty(), Optional.empty(), at,
                Duration.ofMillis(700), 10);
        records.save(PairResult.failed("public.odd/name", "cache", "boom"), Optional.empty(), Optional.empty(), at,
                Duration.ZERO, 10);

        assertThat(records.file("public.orders", "search")).isRegularFile();
        assertThat(records.file("public.odd/name", "cache").getParent()).isEqualTo(state.resolve("verify/cache"));
        List<ObjectNode> all = records.list();
        assertThat(all).extracting(n -> n.path("sink").asText() + " " + n.path("table").asText())
                .containsExactly("cache public.odd/name", "cache public.orders", "search public.orders");
        ObjectNode search = all.get(2);
        assertThat(search.path("equal").asBoolean()).isFalse();
        assertThat(search.path("missing").asLong()).isEqualTo(2);
        assertThat(search.path("extra").asLong()).isEqualTo(1);
        assertThat(search.path("different").asLong()).isEqualTo(1);
        assertThat(search.path("source_rows").asLong()).isEqualTo(2000);
        assertThat(search.path("duration_seconds").asDouble()).isEqualTo(1.5);
        assertThat(search.path("finished_at").asText()).isEqualTo("2026-12-07T04:00:00Z");
        assertThat(search.path("sample").path("missing").get(1).path("key").get(0).asText()).isEqualTo("2");
        assertThat(search.path("repair").isNull()).isTrue();
        assertThat(all.get(0).path("skipped").asText()).isEqualTo("failed: boom");
        assertThat(all.get(0).has("equal")).isFalse();

        // --repair --wait: the re-check finds the rows equal; the record says what was found and what is left
        records.save(found, Optional.of(result("public.orders", "search", 4)), Optional.of("backfill x of 4 key(s) "
                + "sent; backfill x done"), at.plusSeconds(60), Duration.ofSeconds(2), 10);
        ObjectNode repaired = records.list().get(2);
        assertThat(repaired.path("equal").asBoolean()).isTrue();
        assertThat(repaired.path("missing").asLong()).isZero();
        assertThat(repaired.path("found").path("missing").asLong()).isEqualTo(2);
        assertThat(repaired.path("after_repair").path("equal").asBoolean()).isTrue();
        assertThat(repaired.path("repair").asText()).contains("backfill x done");
        try (var files = Files.walk(state)) {
            assertThat(files.filter(f -> f.toString().endsWith(".tmp"))).as("no temporary file left").isEmpty();
        }
    }

    @Test
    void theRunningLauncherShowsThemAsGaugesAndSeesNewOnes() throws Exception {
        VerifyRecords records = new VerifyRecords(state);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        VerifyResults results = new VerifyResults("orders", Optional.of(records));
        results.bindTo(registry);
        assertThat(registry.scrape()).doesNotContain("cdc_verify");

        Instant at = Instant.parse("2026-12-07T04:00:00Z");
        records.save(result("public.orders", "search", 2000, missing("1"), missing("2")), Optional.empty(),
                Optional.empty(), at, Duration.ofMillis(1500), 10);
        records.save(PairResult.failed("public.items", "search", "boom"), Optional.empty(), Optional.empty(), at,
                Duration.ZERO, 10);
        Thread.sleep(1100); // files are read again at most once a second
        assertThat(results.refresh()).hasSize(2);
        String text = registry.scrape();
        String tags = "pipeline=\"orders\",sink=\"search\",table=\"public.orders\"";
        assertThat(text).contains("cdc_verify_differences{kind=\"missing\"," + tags + "} 2.0")
                .contains("cdc_verify_differences{kind=\"extra\"," + tags + "} 0.0")
                .contains("cdc_verify_equal{" + tags + "} 0.0")
                .contains("cdc_verify_rows{" + tags + "} 2000.0")
                .contains("cdc_verify_last_run_timestamp_seconds{" + tags + "} 1.796616E9")
                .contains("cdc_verify_duration_seconds{" + tags + "} 1.5")
                .contains("cdc_verify_equal{pipeline=\"orders\",sink=\"search\",table=\"public.items\"} NaN");

        records.save(result("public.orders", "search", 2001), Optional.empty(), Optional.empty(), at.plusSeconds(10),
                Duration.ofMillis(900), 10);
        Thread.sleep(1100);
        results.refresh();
        assertThat(registry.scrape()).contains("cdc_verify_differences{kind=\"missing\"," + tags + "} 0.0")
                .contains("cdc_verify_equal{" + tags + "} 1.0").contains("cdc_verify_rows{" + tags + "} 2001.0");
        registry.close();
    }
}
