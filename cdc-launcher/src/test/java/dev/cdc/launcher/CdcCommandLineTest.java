package dev.cdc.launcher;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.PluginFactory;
import dev.cdc.core.plugin.PluginKind;
import dev.cdc.core.plugin.PluginRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class CdcCommandLineTest {

    private static final Pattern PROBLEM_LINE = Pattern.compile("^(.+broken\\.yaml):(\\d+): (\\S+): (.+)$",
            Pattern.MULTILINE);

    @Test
    void validateListsEveryProblemOfTheBrokenExampleWithItsLineAndExits2() throws IOException {
        Path broken = Cli.examples().resolve("broken.yaml");
        List<String> yaml = Files.readAllLines(broken);

        Cli r = Cli.run("validate", broken.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.out()).isEmpty();
        Matcher m = PROBLEM_LINE.matcher(r.err());
        int problems = 0;
        while (m.find()) {
            problems++;
            int line = Integer.parseInt(m.group(2));
            String path = m.group(3);
            String lastKey = path.replaceAll("\\[\\d+]", "").replaceAll(".*\\.", "");
            assertThat(yaml.get(line - 1)).as("line %d named by '%s'", line, m.group())
                    .contains(lastKey + ":");
        }
        // count: twenty, colour: blue, type: stdot, fsync: sometimes
        assertThat(problems).isGreaterThanOrEqualTo(4);
        assertThat(r.err()).contains("colour").contains("stdot").contains("count").contains("fsync");
        assertThat(r.err().lines().filter(l -> !l.isBlank()).toList())
                .last().isEqualTo(problems + " problems");
        assertNoStackTrace(r);
    }

    @Test
    void validateAcceptsTheExamples() {
        for (String example : List.of("quickstart.yaml", "generator-metrics.yaml")) {
            Cli r = Cli.run("validate", Cli.examples().resolve(example).toString());
            assertThat(r.exitCode()).as(r.all()).isZero();
            assertThat(r.out()).contains("valid").contains("source " + (example.startsWith("quickstart") ? "jdbc-trigger"
                    : "generator"));
        }
    }

    /** Checks that span options (PluginFactory.validate) run in {@code cdc validate}, not only at {@code cdc run}. */
    @Test
    void validateReportsCrossOptionProblemsWithFileAndLine(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("cross.yaml");
        Files.writeString(file, String.join("\n",
                "pipeline: cross",
                "source: {type: generator, count: 1}",
                "sinks:",
                "  - name: search",
                "    type: elasticsearch",
                "    password: secret-password",
                "    ca-certificate: " + dir.resolve("no-such-ca.pem"),
                "  - name: cache",
                "    type: redis",
                "    mode: stream",
                "    ttl: 5m",
                ""));

        Cli r = Cli.run("validate", file.toString());

        assertThat(r.exitCode()).as(r.all()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains(file + ":6: sinks[0].password: is set but 'username' is not")
                .contains(file + ":7: sinks[0].ca-certificate: was '" + dir.resolve("no-such-ca.pem")
                        + "' but that file is not readable")
                .contains(file + ":11: sinks[1].ttl: applies to mode hash and json only, but mode is stream")
                .contains("3 problems")
                .doesNotContain("secret-password");
        assertNoStackTrace(r);
    }

    @Test
    void validateOfAMissingFileIsOneLineAndExits2() {
        Cli r = Cli.run("validate", "no/such/pipeline.yaml");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("no/such/pipeline.yaml").contains("1 problem");
        assertNoStackTrace(r);
    }

    @Test
    void runOfAnInvalidFileExits2BeforeStartingAnything() {
        Cli r = Cli.run("run", Cli.examples().resolve("broken.yaml").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("stdot").doesNotContain("starting");
        assertNoStackTrace(r);
    }

    @Test
    void pluginsListsEveryBundledTypeWithItsOptions() {
        PluginRegistry registry = PluginRegistry.discover(Cdc.class.getClassLoader());
        Cli r = Cli.run("plugins");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("SOURCES", "SINKS", "FILTERS", "TRANSFORMS");
        int factories = 0;
        for (PluginKind kind : PluginKind.values()) {
            for (PluginFactory f : registry.factories(kind)) {
                factories++;
                assertThat(r.out()).contains("  " + f.type());
                for (ConfigOption<?> o : f.options()) {
                    assertThat(r.out()).as("%s option %s", f.type(), o.key()).contains(o.key() + " (");
                }
            }
        }
        assertThat(factories).isGreaterThan(5);
        for (String builtIn : List.of("generator", "stdout", "file", "discard", "memory", "table", "operation",
                "drop-columns", "mask-columns", "rename-table", "unwrap")) {
            assertThat(r.out()).contains("  " + builtIn);
        }
    }

    @Test
    void pluginsOfOneTypeShowsOnlyThatType() {
        Cli r = Cli.run("plugins", "stdout");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("stdout").contains("pretty (").doesNotContain("generator")
                .doesNotContain("none registered");
    }

    @Test
    void pluginsOfAnUnknownTypeNamesTheKnownOnesAndExits2() {
        Cli r = Cli.run("plugins", "kinesis");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("'kinesis'").contains("stdout").contains("file");
        assertNoStackTrace(r);
    }

    @Test
    void pluginsAsMarkdownHasOptionTables() {
        Cli r = Cli.run("plugins", "--markdown");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("### `stdout`").contains("| Option |");
    }

    @Test
    void anUnknownCommandExits2() {
        Cli r = Cli.run("frobnicate");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("frobnicate");
        assertNoStackTrace(r);
    }

    @Test
    void noCommandPrintsUsageAndExits2() {
        Cli r = Cli.run();
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("Usage: cdc").contains("run").contains("validate");
    }

    @Test
    void helpDocumentsTheExitCodes() {
        Cli r = Cli.run("--help");
        assertThat(r.exitCode()).isZero();
        for (String code : ExitCodes.descriptions().keySet()) {
            assertThat(r.out()).containsPattern("(?m)^\\s+" + code + "\\s+\\S");
        }
        assertThat(Cli.run("run", "--help").out()).contains("Exit codes").contains("--status-interval");
    }

    @Test
    void versionNamesCdcAndJava() {
        Cli r = Cli.run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("cdc ").contains("Java ").doesNotContain("${");
    }

    @Test
    void statusOfNothingListeningExits3WithOneLine() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Cli r = Cli.run("status", "--url", "http://127.0.0.1:" + port, "--timeout", "2s");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CANNOT_START);
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).contains("could not reach http://127.0.0.1:" + port + "/status");
        assertNoStackTrace(r);
    }

    @Test
    void verboseShowsTheStackTrace() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Cli r = Cli.run("status", "--verbose", "--url", "http://127.0.0.1:" + port, "--timeout", "2s");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CANNOT_START);
        assertThat(r.err()).contains("\tat ");
    }

    static void assertNoStackTrace(Cli r) {
        assertThat(r.all()).doesNotContain("Exception").doesNotContain("at dev.").doesNotContain("\tat ");
        assertThat(Arrays.stream(r.all().split("\n"))).noneMatch(l -> l.startsWith("Caused by"));
    }
}
