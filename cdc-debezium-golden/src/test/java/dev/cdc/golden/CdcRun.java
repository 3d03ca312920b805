package dev.cdc.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * cdc itself, as users run it: the shaded launcher jar in a child JVM ({@code cdc run}) with file
 * sinks in the {@code debezium} format, whose lines ({@code {"topic":..,"key":..,"value":..}}) are
 * read back as records. A child JVM also keeps cdc's binlog library apart from Debezium's fork of
 * it, which has the same package names.
 */
final class CdcRun implements AutoCloseable {

    private static final ObjectMapper JSON = GoldenDiff.JSON;

    private final Process process;
    private final Path work;

    private CdcRun(Process process, Path work) {
        this.process = process;
        this.work = work;
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("cdc.jar", "../cdc-launcher/target/cdc.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("the shaded launcher jar " + jar + " is missing: build cdc-launcher first"
                    + " (mvn -pl cdc-debezium-golden -am verify builds it)");
        }
        return jar;
    }

    /** Writes {@code pipeline.yaml} into {@code work} and runs it. */
    static CdcRun start(Path work, String yaml) throws IOException {
        Files.createDirectories(work);
        Path file = work.resolve("pipeline.yaml");
        Files.writeString(file, yaml);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                jar().toString(), "run", "--status-interval", "0", file.toString())
                .directory(work.toFile())
                .redirectOutput(work.resolve("cdc.out").toFile()).redirectError(work.resolve("cdc.err").toFile())
                .start();
        return new CdcRun(p, work);
    }

    /** The records a file sink wrote so far ({@code out/<sink>.jsonl}), in order. */
    List<DebeziumRun.Record> records(String sink) throws IOException {
        Path out = work.resolve("out").resolve(sink + ".jsonl");
        List<DebeziumRun.Record> records = new ArrayList<>();
        if (!Files.exists(out)) {
            return records;
        }
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            String key = n.get("key").isNull() ? null : n.get("key").toString();
            String value = n.get("value").isNull() ? null : n.get("value").toString();
            records.add(new DebeziumRun.Record(n.get("topic").asText(), key, value, key, value));
        }
        return records;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stderr() throws IOException {
        Path err = work.resolve("cdc.err");
        return Files.exists(err) ? Files.readString(err) : "";
    }

    /** Stops cdc gracefully (SIGTERM: it drains and checkpoints). */
    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
