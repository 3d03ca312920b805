package dev.cdc.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cdc backfill}'s command line, against a pipeline that is not running (nothing connects). */
class BackfillCommandTest {

    @TempDir
    Path dir;

    private Path pipeline() throws Exception {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, String.join("\n",
                "pipeline: bfcli",
                "source: {type: generator, count: 10}",
                "sinks:",
                "  - {name: out, type: discard}",
                "checkpoint: {type: file, path: " + dir.resolve("state") + "}",
                ""));
        return file;
    }

    @Test
    void badCommandLinesAreRefusedWithoutAStackTrace() throws Exception {
        Path file = pipeline();
        // keys and a condition together are one request (KeyListReader applies the condition): only the
        // source's refusal stops this one
        Cli both = Cli.run("backfill", file.toString(), "--table", "demo.items", "--where", "id > 1", "--key", "5");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(both.err()).contains("(type generator) cannot backfill").doesNotContain("cannot be combined");

        Cli badId = Cli.run("backfill", file.toString(), "--table", "demo.items", "--id", "../../etc");
        assertThat(badId.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(badId.err()).contains("backfill id '../../etc' must be letters");

        Cli noTable = Cli.run("backfill", file.toString());
        assertThat(noTable.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(noTable.err()).contains("--table");

        Cli missing = Cli.run("backfill", file.toString(), "--table", "demo.items", "--keys-file",
                dir.resolve("nope.txt").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(missing.err()).contains("cannot read --keys-file").contains("nope.txt").doesNotContain("\tat ");
    }

    @Test
    void withoutARunningLauncherItChecksAndSaysWhy() throws Exception {
        Cli r = Cli.run("backfill", pipeline().toString(), "--table", "demo.items");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("the source of pipeline 'bfcli' (type generator) cannot backfill")
                .doesNotContain("\tat ");
        assertThat(dir.resolve("state/backfills")).doesNotExist();
    }
}
