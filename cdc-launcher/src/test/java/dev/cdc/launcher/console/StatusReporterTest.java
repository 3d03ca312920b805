package dev.cdc.launcher.console;

import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.SnapshotProgress;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.launcher.monitor.PipelineObserver;
import dev.cdc.launcher.monitor.TestPipelines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class StatusReporterTest {

    @Test
    void summaryOfACompletedRunNamesTheCheckpointAndWhatEachSinkWrote() throws Exception {
        Pipeline pipeline = TestPipelines.pipeline(TestPipelines.generatorYaml("summary", 37, 0),
                new SimpleMeterRegistry());
        StringWriter text = new StringWriter();
        PipelineObserver observer = PipelineObserver.attach(pipeline, Clock.systemUTC());
        StatusReporter reporter = new StatusReporter(new PrintWriter(text), observer, Duration.ofSeconds(10));
        pipeline.start();
        assertThat(pipeline.awaitTermination(Duration.ofSeconds(20))).isTrue();

        assertThat(reporter.summary()).isEqualTo(
                "completed; checkpoint at {sequence=37}; captured 38 events; nowhere: written 37");
        // 38: the generator's schema event (sequence 0) and 37 row changes; sinks count row changes
        assertThat(reporter.statusLine()).contains("COMPLETED captured 38").contains("nowhere: written 37, queue 0")
                .contains("checkpoint {sequence=37}");
    }

    @Test
    void snapshotLinesShowRowsAndPercentOrDone() {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        TableId t = TableId.parse("public.orders");
        assertThat(StatusReporter.snapshotLine(new SnapshotProgress(t, 1200, OptionalLong.of(5000), false), now))
                .endsWith("snapshot public.orders: 1200 of ~5000 rows (24%)");
        assertThat(StatusReporter.snapshotLine(new SnapshotProgress(t, 1200, OptionalLong.empty(), false), now))
                .endsWith("snapshot public.orders: 1200 rows");
        assertThat(StatusReporter.snapshotLine(new SnapshotProgress(t, 5003, OptionalLong.of(5000), true), now))
                .endsWith("snapshot public.orders: done, 5003 rows");
    }

    @Test
    void snapshotProgressIsPrintedOncePerIntervalAndWhenATableFinishes() {
        Pipeline pipeline = TestPipelines.pipeline(TestPipelines.generatorYaml("snap", 1, 0), new SimpleMeterRegistry());
        StringWriter text = new StringWriter();
        StatusReporter reporter = new StatusReporter(new PrintWriter(text),
                new PipelineObserver(pipeline, Clock.systemUTC()), Duration.ofHours(1));
        TableId t = TableId.parse("public.orders");
        reporter.onSnapshotProgress(new SnapshotProgress(t, 10, OptionalLong.of(30), false));
        reporter.onSnapshotProgress(new SnapshotProgress(t, 20, OptionalLong.of(30), false));
        reporter.onSnapshotProgress(new SnapshotProgress(t, 30, OptionalLong.of(30), true));

        assertThat(text.toString().lines().toList()).hasSize(2);
        assertThat(text.toString()).contains("10 of ~30 rows").doesNotContain("20 of").contains("done, 30 rows");
    }
}
