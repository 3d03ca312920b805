package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs the shaded {@code cdc.jar} in a child JVM (for the {@code *IT}s, which run after
 * {@code package}), with its stdout and stderr going to files in the working directory, and reads
 * what pipelines leave behind: JSON-lines output and {@code checkpoint.json}.
 */
final class CdcJar {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private CdcJar(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("cdc.jar", "target/cdc.jar")).toAbsolutePath();
        assertThat(jar).as("the shaded jar (built by `package`)").isRegularFile();
        return jar;
    }

    /** Starts {@code java -jar cdc.jar args...} in {@code workDir}; output goes to {@code <name>.out/.err}. */
    static CdcJar start(Path workDir, String name, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-jar", jar().toString()));
        command.addAll(List.of(args));
        Path out = workDir.resolve(name + ".out");
        Path err = workDir.resolve(name + ".err");
        Process p = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new CdcJar(p, out, err);
    }

    Process process() {
        return process;
    }

    /** Waits for the exit; fails (and kills the process) after {@code seconds}. */
    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            fail("cdc did not exit within " + seconds + " s; stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Each line of a JSON-lines file that parses; a line cut short by a kill is skipped. */
    static List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(JSON.readTree(line));
            } catch (IOException partial) {
                // the tail of a process killed while writing
            }
        }
        return out;
    }

    /** The {@code sequence} offset of an event envelope ({@code source.position.sequence}). */
    static long sequence(JsonNode envelope) {
        JsonNode s = envelope.path("source").path("position").path("sequence");
        assertThat(s.isMissingNode()).as("source.position.sequence in %s", envelope).isFalse();
        return Long.parseLong(s.asText());
    }

    /** The sequence of the checkpoint saved in {@code <dir>/checkpoint.json}, if there is one. */
    static OptionalLong checkpointSequence(Path stateDir) throws IOException {
        Path file = stateDir.resolve("checkpoint.json");
        if (!Files.exists(file)) {
            return OptionalLong.empty();
        }
        JsonNode root = JSON.readTree(Files.readString(file));
        JsonNode s = Optional.ofNullable(root.path("position").path("offsets").get("sequence"))
                .orElseGet(() -> root.findValue("sequence"));
        assertThat(s).as("a sequence in %s", root).isNotNull();
        return OptionalLong.of(Long.parseLong(s.asText()));
    }
}
