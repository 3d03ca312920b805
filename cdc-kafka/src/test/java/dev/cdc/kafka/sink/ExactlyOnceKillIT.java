package dev.cdc.kafka.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.spi.Checkpoint;
import dev.cdc.api.spi.CheckpointStore;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.kafka.CompactedTopic;
import dev.cdc.kafka.KafkaClientConfig;
import dev.cdc.kafka.KafkaFixture;
import dev.cdc.kafka.checkpoint.KafkaCheckpointStoreFactory;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import dev.cdc.testkit.fixture.TestTarget;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly-once across kill -9: a writer changes a PostgreSQL table without pause while the capture
 * pipeline (PostgreSQL to the kafka sink, {@code delivery: exactly-once}, kafka checkpoint store)
 * runs in a child JVM that is killed with SIGKILL at a random moment ten times and started again.
 * A read_committed consumer then finds every change exactly once: none missing, none twice. After
 * every kill the pipeline's checkpoint is not ahead of what the topic holds committed.
 */
class ExactlyOnceKillIT {

    private static final int KILLS = Integer.getInteger("kills", 10);

    private final TestTarget target = TestTarget.create();
    private final String bootstrap = KafkaFixture.bootstrap();
    private final String table = target.name();
    private final String prefix = target.name();
    private final String dataTopic = prefix + ".public." + table;
    private final Set<String> expected = ConcurrentHashMap.newKeySet();
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : children) {
            p.destroyForcibly().waitFor();
        }
        try (Connection c = pg(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                    + target.name() + "'");
            st.execute("DROP PUBLICATION IF EXISTS " + target.name());
            st.execute("DROP TABLE IF EXISTS public." + table);
        }
        KafkaFixture.deleteTopics(bootstrap, t -> t.startsWith(prefix + "."));
        target.deleteDirectory();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aReadCommittedConsumerSeesEveryChangeOnceAcrossTenKills() throws Exception {
        Services.requireReachable(Service.POSTGRES);
        try (Connection c = pg(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE public." + table + " (id bigint PRIMARY KEY, v int NOT NULL)");
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Exception> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> write(writing, writerFailure), "writer");
        int replayNotices = 0;
        int reopened = 0; // producers opened again inside a run (after a commit whose outcome was unknown)
        try {
            for (int run = 1; run <= KILLS; run++) {
                System.out.printf("%s run %d starts%n", java.time.LocalTime.now(), run);
                Process child = start(run);
                awaitReady(child, run);
                if (run == 1) {
                    // the (empty) snapshot is done and checkpointed. (Killed before its first checkpoint, the source
                    // could not resume its new slot; it says so.)
                    awaitFirstCheckpoint(child);
                    if (!Boolean.getBoolean("eos.snapshot-kills")) {
                        // The kills are for the stream: one change streamed and checkpointed first. A checkpoint
                        // still inside the snapshot makes a restart resume the snapshot in a new MVCC snapshot,
                        // which reads rows committed after the slot's consistent point that the stream then
                        // delivers too (an 'r' and a 'c' record of one change; docs/cdc-kafka.md, known gaps).
                        // -Deos.snapshot-kills=true leaves this out and reproduces that.
                        awaitStreamCheckpoint(child);
                    }
                    writer.start();
                }
                // -Deos.anytime=true also kills before the run has written anything (a harsher mix of kill points);
                // -Deos.writer-pause-ms=0 makes the writer as fast as PostgreSQL allows
                // -Deos.snapshot-kills=true: run 1 is killed at once, while its checkpoint is still in the snapshot
                boolean inSnapshot = run == 1 && Boolean.getBoolean("eos.snapshot-kills");
                if (!Boolean.getBoolean("eos.anytime") && !inSnapshot) {
                    awaitLogLine(child, run, "streaming: ");
                }
                Thread.sleep(inSnapshot ? 0 : ThreadLocalRandom.current().nextLong(200, 1500));
                assertThat(child.isAlive()).as("run %d still running when killed; log %s:%n%s", run, log(run), tail(log(run))).isTrue();
                System.out.printf("%s run %d killed%n", java.time.LocalTime.now(), run);
                child.destroyForcibly().waitFor(); // SIGKILL: an open transaction, no final checkpoint
                assertCheckpointNotAhead(run);
                replayNotices += count(log(run), "were committed to Kafka before");
                reopened += count(log(run), "ready; committed so far") - 1;
            }
        } finally {
            writing.set(false);
            if (writer.isAlive()) {
                writer.join();
            }
        }
        assertThat(writerFailure.get()).as("the writer's failure").isNull();

        Process last = start(KILLS + 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Map<String, Integer> seen = changes();
        while (!seen.keySet().containsAll(expected) && System.nanoTime() < deadline && last.isAlive()) {
            Thread.sleep(1000);
            seen = changes();
        }
        last.destroyForcibly().waitFor();
        replayNotices += count(log(KILLS + 1), "were committed to Kafka before");
        reopened += count(log(KILLS + 1), "ready; committed so far") - 1;
        Map<String, Integer> finalSeen = seen;

        List<String> twice = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        List<String> missing = expected.stream().filter(k -> !finalSeen.containsKey(k)).sorted().toList();
        System.out.printf("exactly-once kill test: %d changes written, %d distinct and %d records seen read_committed, "
                + "%d records in the topic read_uncommitted (aborted transactions included), replays dropped in %d "
                + "batches, producers opened again inside a run %d times; child logs in %s%n", expected.size(), seen.size(),
                seen.values().stream().mapToInt(Integer::intValue).sum(),
                KafkaFixture.readAll(bootstrap, Set.of(dataTopic), false).size(), replayNotices, reopened, log(1).getParent());
        assertThat(twice).as("changes a read_committed consumer sees more than once (the first: %s)",
                copies(twice.stream().limit(3).toList())).isEmpty();
        assertThat(missing).as("changes missing (of %d); last log %s", expected.size(), log(KILLS + 1)).isEmpty();
        assertThat(seen.keySet()).as("nothing that was not written").isEqualTo(expected);
        assertThat(expected.size()).as("the writer wrote during all ten runs").isGreaterThan(2000);
        assertThat(replayNotices).as("restarts replayed committed events, which the sink dropped").isPositive();
    }

    /** Inserts ids in transactions of ten rows, and updates every fourth row once, until told to stop. */
    private void write(AtomicBoolean writing, AtomicReference<Exception> failure) {
        try (Connection c = pg(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            for (long id = 1; writing.get(); id++) {
                List<String> changes = new ArrayList<>();
                st.execute("INSERT INTO public." + table + " VALUES (" + id + ", 0)");
                changes.add(id + ":0");
                if (id % 4 == 0) {
                    st.execute("UPDATE public." + table + " SET v = 1 WHERE id = " + (id - 2));
                    changes.add((id - 2) + ":1");
                }
                if (id % 10 == 0) {
                    c.commit();
                    Thread.sleep(Integer.getInteger("eos.writer-pause-ms", 4));
                }
                expectedPending.addAll(changes);
                if (id % 10 == 0) {
                    expected.addAll(expectedPending);
                    expectedPending.clear();
                }
            }
            c.commit();
            expected.addAll(expectedPending);
        } catch (Exception e) {
            failure.set(e);
        }
    }

    private final List<String> expectedPending = new ArrayList<>();

    /** Where the copies of these changes are: offset and sort key of each. */
    private List<String> copies(List<String> changes) {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaFixture.readAll(bootstrap, Set.of(dataTopic), true)) {
            if (r.value() == null) {
                continue;
            }
            JsonNode after = KafkaFixture.json(r.value()).get("after");
            String change = after.get("id").asLong() + ":" + after.get("v").asInt();
            if (changes.contains(change)) {
                out.add(change + " at offset " + r.offset() + " sort key " + new String(r.headers()
                        .lastHeader(KafkaRecords.SORT_KEY).value(), StandardCharsets.UTF_8) + " op "
                        + KafkaFixture.json(r.value()).get("op").asText());
            }
        }
        return out;
    }

    /** Every change in the table's topic, read_committed, as "id:v" with how often it is there. */
    private Map<String, Integer> changes() {
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaFixture.readAll(bootstrap, Set.of(dataTopic), true)) {
            if (r.value() == null) {
                continue;
            }
            JsonNode after = KafkaFixture.json(r.value()).get("after");
            seen.merge(after.get("id").asLong() + ":" + after.get("v").asInt(), 1, Integer::sum);
        }
        return seen;
    }

    private void awaitFirstCheckpoint(Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (checkpoint().isEmpty()) {
            assertThat(child.isAlive()).as("run 1 exited:%n%s", tail(log(1))).isTrue();
            assertThat(System.nanoTime()).as("a first checkpoint within 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Writes change 0:0 and waits until the checkpoint is in the stream (past the snapshot). */
    private void awaitStreamCheckpoint(Process child) throws Exception {
        try (Connection c = pg(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO public." + table + " VALUES (0, 0)");
        }
        expected.add("0:0");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (checkpoint().map(cp -> cp.position().offsets().containsKey("snapshot")).orElse(true)) {
            assertThat(child.isAlive()).as("run 1 exited:%n%s", tail(log(1))).isTrue();
            assertThat(System.nanoTime()).as("a checkpoint in the stream within 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private Optional<Checkpoint> checkpoint() throws Exception {
        KafkaCheckpointStoreFactory f = new KafkaCheckpointStoreFactory();
        try (CheckpointStore store = f.create(PluginContext.of(Configuration.of(f.options(),
                Map.of("bootstrap-servers", List.of(bootstrap), "topic", prefix + "._checkpoints")),
                "eos-" + prefix, "checkpoint"))) {
            return store.load();
        }
    }

    /** The checkpoint saved by the killed run is at or before the last change committed to the topic. */
    private void assertCheckpointNotAhead(int run) throws Exception {
        Optional<Checkpoint> checkpoint = checkpoint();
        if (checkpoint.isEmpty()) {
            return;
        }
        // every event up to the checkpoint was acknowledged, so committed; what the sink committed is recorded in
        // the same transactions as its records (the state topic), and the final count proves that record right
        Optional<byte[]> state = new CompactedTopic(KafkaClientConfig.plaintext(bootstrap), prefix + "._state",
                Optional.empty(), Duration.ofSeconds(30)).latest("test", "eos-" + prefix + "/kafka");
        String committed = state.map(b -> KafkaFixture.json(b).get("tables").path("public." + table).asText(""))
                .orElse("");
        String saved = checkpoint.get().position().sortKey();
        assertThat(saved).as("run %d: the checkpoint is not ahead of what the sink committed", run)
                .isLessThanOrEqualTo(committed);
    }

    private Process start(int run) throws Exception {
        Files.createDirectories(log(run).getParent());
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", classpath, CapturePipelineMain.class.getName(),
                bootstrap, Services.postgresJdbcUrl(), "public." + table, target.name(), prefix)
                .redirectErrorStream(true).redirectOutput(log(run).toFile()).start();
        children.add(p);
        return p;
    }

    private void awaitReady(Process child, int run) throws Exception {
        awaitLogLine(child, run, "ready; committed so far");
    }

    private void awaitLogLine(Process child, int run, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count(log(run), line) == 0) {
            assertThat(child.isAlive()).as("run %d exited; log %s:%n%s", run, log(run), tail(log(run))).isTrue();
            assertThat(System.nanoTime()).as("run %d ready within 60 s; log %s", run, log(run)).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Under target/, so that the children's logs outlive the test (they show what each run committed). */
    private Path log(int run) {
        return Path.of("target", "eos-kill-logs", target.name(), "run-" + run + ".log").toAbsolutePath();
    }

    private static int count(Path log, String text) throws Exception {
        if (!Files.exists(log)) {
            return 0;
        }
        return (int) Files.readAllLines(log).stream().filter(l -> l.contains(text)).count();
    }

    private static String tail(Path log) throws Exception {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static Connection pg() throws Exception {
        return DriverManager.getConnection(Services.postgresJdbcUrl(), "postgres", "");
    }
}
