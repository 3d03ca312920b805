package dev.cdc.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RunCommandTest {

    @TempDir
    Path dir;

    @Test
    void aFinitePipelineRunsToCompletionAndExits0WithASummary() throws IOException {
        Path file = dir.resolve("finite.yaml");
        Files.writeString(file, """
                pipeline: finite
                source: {type: generator, count: 250, rate: 0}
                sinks:
                  - {name: nowhere, type: discard}
                checkpoint: {type: memory}
                """);
        Cli r = Cli.run("run", "--status-interval", "0", file.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("cdc: starting pipeline 'finite': source generator; sink nowhere (discard)")
                .contains("completed; checkpoint at {sequence=250}; captured 251 events; nowhere: written 250");
        CdcCommandLineTest.assertNoStackTrace(r);
    }

    @Test
    void aTakenMetricsPortExits3() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path file = dir.resolve("port.yaml");
            Files.writeString(file, """
                    pipeline: port
                    source: {type: generator, count: 10}
                    sinks:
                      - {name: nowhere, type: discard}
                    checkpoint: {type: memory}
                    metrics: {port: %d}
                    """.formatted(taken.getLocalPort()));
            Cli r = Cli.run("run", file.toString());

            assertThat(r.exitCode()).isEqualTo(ExitCodes.CANNOT_START);
            assertThat(r.err()).contains("could not start the metrics endpoint on 127.0.0.1:" + taken.getLocalPort());
            CdcCommandLineTest.assertNoStackTrace(r);
        }
    }

    @Test
    void aSinkThatCannotOpenExits3WithOneLine() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        Path file = dir.resolve("unopenable.yaml");
        Files.writeString(file, """
                pipeline: unopenable
                source: {type: generator, count: 10}
                sinks:
                  - {name: archive, type: file, path: '%s'}
                checkpoint: {type: memory}
                """.formatted(notADirectory.resolve("out.jsonl")));
        Cli r = Cli.run("run", file.toString());

        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.CANNOT_START);
        assertThat(r.err()).contains("cdc: could not start pipeline 'unopenable': ").contains("plain-file");
        assertThat(r.err().lines().filter(l -> l.startsWith("cdc: could not start")).count()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    @EnabledIf("deviceFullExists")
    void aPipelineThatFailsAtRuntimeExits1AndSaysWhy() throws IOException {
        Path file = dir.resolve("doomed.yaml");
        Files.writeString(file, """
                pipeline: doomed
                source: {type: generator, count: 100, rate: 0}
                sinks:
                  - {name: full, type: file, path: /dev/full, fsync: false, retry: {max-attempts: 1},
                     backlog: {max-age: 1s, when-full: fail}}
                checkpoint: {type: memory}
                """);
        Cli r = Cli.run("run", "--status-interval", "0", file.toString());

        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.FAILED);
        // a full disk is an outage of the file sink's target: retried until it ends, here until the
        // backlog's max-age is spent, which under when-full: fail stops the pipeline
        assertThat(r.err()).containsPattern("(?m)^failed: sink 'full' stopped the pipeline: its oldest unacknowledged "
                + "batch is older than max-age PT1S .* while its target is unreachable since .*No space left on device.*; "
                + "no checkpoint saved; captured \\d+ events; full: written 0$");
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Caused by");
    }

    static boolean deviceFullExists() {
        return Files.exists(Path.of("/dev/full"));
    }
}
