package dev.cdc.launcher;

import dev.cdc.api.event.Position;
import dev.cdc.api.spi.Checkpoint;
import dev.cdc.core.runtime.DetachedSinks;
import dev.cdc.plugins.checkpoint.FileCheckpointStore;
import dev.cdc.core.spec.PipelineStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReattachCommandTest {

    @TempDir
    Path dir;

    private Path pipeline() throws Exception {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, String.join("\n",
                "pipeline: reattach",
                "source: {type: generator, count: 10}",
                "sinks:",
                "  - {name: search, type: discard, backlog: {max-bytes: 1mb, when-full: detach}}",
                "  - {name: cache, type: discard}",
                "checkpoint: {type: file, path: " + dir.resolve("state") + "}",
                ""));
        Files.createDirectories(dir.resolve("state"));
        try (FileCheckpointStore store = new FileCheckpointStore(dir.resolve("state"))) {
            store.save(new Checkpoint("reattach", Position.ofSequence(41), Instant.parse("2026-12-06T22:10:00Z"),
                    Map.of()));
        }
        return file;
    }

    @Test
    void reattachDeletesTheRecordAndSaysWhichChangesTheSinkMisses() throws Exception {
        Path file = pipeline();
        DetachedSinks records = new DetachedSinks(dir.resolve("state"));
        records.write("search", new PipelineStatus.Detached(Position.ofSequence(7),
                Instant.parse("2026-12-06T22:00:00Z"), "its backlog reached max-bytes"));

        Cli r = Cli.run("reattach", file.toString(), "search");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(records.find("search")).isEmpty();
        assertThat(r.out()).contains("sink 'search' re-attached")
                .contains("MISSING the changes between {sequence=7} and {sequence=41}")
                .contains("its backlog reached max-bytes").contains("cdc reattach " + file + " search --backfill");
        assertThat(Cli.run("reattach", file.toString(), "search").out()).contains("is not detached; nothing to do");
        Cli unknown = Cli.run("reattach", file.toString(), "serach");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(unknown.err()).contains("has no sink 'serach' (its sinks: search, cache)");
    }

    @Test
    void reattachWithBackfillNeedsASourceThatCanBackfillAndLeavesTheSinkDetachedOtherwise() throws Exception {
        Path file = pipeline();
        DetachedSinks records = new DetachedSinks(dir.resolve("state"));
        records.write("search", new PipelineStatus.Detached(Position.ofSequence(7),
                Instant.parse("2026-12-06T22:00:00Z"), "its backlog reached max-bytes"));

        Cli r = Cli.run("reattach", file.toString(), "search", "--backfill", "--table", "demo.items");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("(type generator) cannot backfill")
                .contains("re-attach it without --backfill and re-snapshot it").doesNotContain("\tat ");
        assertThat(records.find("search")).as("still detached").isPresent();
        assertThat(dir.resolve("state/backfills")).doesNotExist();

        Cli offline = Cli.run("backfill", file.toString(), "--table", "demo.items", "--sink", "search");
        assertThat(offline.exitCode()).as(offline.all()).isEqualTo(ExitCodes.INVALID);
        assertThat(offline.err()).contains("cannot backfill");
    }
}
