package dev.cdc.golden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What both golden tests share: SQL, waiting, and the check that every deliberate difference a
 * test allows is listed in docs/envelope.md with its reason.
 */
abstract class GoldenTest {

    /** The Debezium topic prefix and cdc's topic.prefix. */
    static final String PREFIX = "golden";

    /**
     * cdc's sinks: the debezium format in the default modes, with decimal.handling.mode=string (topic
     * prefix {@code goldens}, as its Debezium engine's), and with schemas.enable.
     */
    static final String SINKS = """
            sinks:
              - {name: default, type: file, path: out/default.jsonl, fsync: false, format: debezium, topic.prefix: %1$s}
              - {name: strings, type: file, path: out/strings.jsonl, fsync: false, format: debezium, topic.prefix: %1$ss,
                 decimal.handling.mode: string}
              - {name: schemas, type: file, path: out/schemas.jsonl, fsync: false, format: debezium, topic.prefix: %1$s,
                 schemas.enable: true}
            checkpoint: {type: file, path: state}
            engine: {checkpoint-interval: 200ms}
            """.formatted(PREFIX);

    static void exec(String jdbcUrl, String... sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /** Waits until {@code done} holds; fails with {@code what} and the state after {@code timeout}. */
    static void await(String what, Supplier<Boolean> done, Duration timeout, Supplier<String> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + ": " + state.get());
            }
            Thread.sleep(200);
        }
    }

    /** Waits until the list stops growing for {@code quiet}. */
    static <T> List<T> settled(Supplier<List<T>> records, Duration quiet, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<T> last = records.get();
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(200);
            List<T> now = records.get();
            if (now.size() != last.size()) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > quiet.toNanos()) {
                return now;
            }
        }
        return last;
    }

    /** The rule names docs/envelope.md must list (in its "Deliberate differences" table). */
    static void documented(List<GoldenDiff.Rule> rules) throws IOException {
        Path doc = Path.of("../docs/envelope.md");
        String text = Files.readString(doc);
        List<String> missing = new ArrayList<>();
        for (GoldenDiff.Rule r : rules) {
            if (!text.contains("`" + r.name() + "`")) {
                missing.add(r.name());
            }
        }
        assertThat(missing).as("deliberate differences the golden tests allow but docs/envelope.md does not list"
                + " (with their reasons)").isEmpty();
    }

    /** What a cdc file sink wrote so far. */
    static List<DebeziumRun.Record> records(CdcRun cdc, String sink) {
        try {
            return cdc.records(sink);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** cdc's standard error, for failure messages. */
    static String stderr(CdcRun cdc) {
        try {
            return cdc.stderr();
        } catch (IOException e) {
            return e.toString();
        }
    }
}
