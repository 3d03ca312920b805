package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.core.config.PipelineLoader;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PipelineStatus;
import dev.cdc.launcher.monitor.Health;
import dev.cdc.launcher.monitor.PipelineObserver;
import dev.cdc.launcher.monitor.StatusJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import static dev.cdc.launcher.JdbcMigrationScenario.await;
import static dev.cdc.launcher.JdbcMigrationScenario.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code schema-policy: manual} end to end: PostgreSQL into two jdbc sinks under a concurrent writer,
 * {@code held} (MariaDB, manual) and {@code live} (PostgreSQL, evolve). An ADD COLUMN mid-stream is held
 * by {@code held} (its table keeps the old shape, no row after the change is written, the slot keeps
 * its WAL from before the change, status and health say what is pending and how to approve it) while
 * {@code live} goes on with rows of the new shape. A restart while held holds it again; {@code cdc
 * schema approve} (or {@code reject}) lets the lane go on, and both targets equal the source, every
 * column value exact (after a reject, without the new column).
 */
class ManualSchemaApprovalIT {

    @TempDir
    Path work;

    private final String name = "manual_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
    private final AtomicLong nextId = new AtomicLong(1_000);
    private BackgroundWrites writes;

    @AfterEach
    void cleanUp() throws Exception {
        stopWriter();
        if (running != null) {
            running.stop();
            running.awaitTermination(Duration.ofSeconds(30));
        }
        JdbcRoute.POSTGRES_TO_MARIADB.dropSource(name);
        JdbcRoute.POSTGRES_TO_MARIADB.dropTarget(name);
        JdbcRoute.execute(ExactRows::postgres, "DROP TABLE IF EXISTS " + name + "_live, " + name + "_live_tomb");
    }

    @Test
    void theManualSinkHoldsTheChangeAcrossARestartWhileTheOtherGoesOnAndAppliesItOnceApproved() throws Exception {
        Pipeline p = holdAnAddedColumn();
        Path yaml = work.resolve("pipeline.yaml");

        // the plan and the commands' errors while it is held
        Cli plan = Cli.run("schema", "plan", yaml.toString());
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("sink 'held' (jdbc, schema-policy manual):")
                .contains("public." + name + " v2").contains("PENDING, HELD since")
                .contains("approve: cdc schema approve FILE held 2 --table public." + name)
                .contains("ALTER TABLE `" + name + "` ADD COLUMN IF NOT EXISTS `extra` int DEFAULT 7");
        Cli unknownSink = Cli.run("schema", "approve", yaml.toString(), "helt", "2");
        assertThat(unknownSink.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(unknownSink.err()).contains("has no sink 'helt'; did you mean 'held'? (its sinks: held, live)");
        Cli noVersion = Cli.run("schema", "approve", yaml.toString(), "held", "3");
        assertThat(noVersion.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(noVersion.err()).contains("sink 'held' holds no v3; it holds: public." + name + " v2");
        Cli notManual = Cli.run("schema", "reject", yaml.toString(), "live", "2");
        assertThat(notManual.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(notManual.err()).contains("sink 'live' has schema-policy 'evolve', which holds no change");
        Path broken = work.resolve("broken.yaml");
        Files.writeString(broken, Files.readString(yaml).replace("schema-policy: manual", "schema-policy: manuel"));
        Cli badFile = Cli.run("schema", "approve", broken.toString(), "held", "2");
        assertThat(badFile.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(badFile.err()).contains("broken.yaml:4").contains("schema-policy").contains("manuel");

        // a restart while held: held again at the same change, nothing after it written
        p.stop();
        assertThat(p.awaitTermination(Duration.ofSeconds(30))).isTrue();
        assertThat(p.state()).as("%s", p.failure()).isEqualTo(PipelineState.STOPPED);
        Pipeline again = start();
        try {
            await(() -> !held(again).isEmpty(), "the change held again after the restart", again);
            assertThat(targetColumns()).doesNotContainKey("extra");
            assertThat(ids(ExactRows::mariadb, name)).doesNotContain(500L);

            Cli approve = Cli.run("schema", "approve", yaml.toString(), "held", "2");
            assertThat(approve.exitCode()).as(approve.all()).isZero();
            assertThat(approve.out()).startsWith("approved: sink 'held' holds public." + name + " v2")
                    .contains("The sink runs:").contains("ADD COLUMN IF NOT EXISTS `extra` int DEFAULT 7");
            await(() -> ids(ExactRows::mariadb, name).contains(500L), "the held rows after the approval", again);
            stopWriter();
            exec("UPDATE " + name + " SET qty = qty + 1");
            awaitEqual(again, ExactRows::mariadb, name, false);
            awaitEqual(again, ExactRows::postgres, name + "_live", false);
            assertThat(targetColumns()).containsKey("extra");
            PipelineStatus.SinkStatus s = again.status().sinks().get(0);
            assertThat(s.schemaChanges().held()).isEmpty();
            assertThat(s.schemaChanges().applied()).isEqualTo(1);
            assertThat(new PipelineObserver(again, Clock.systemUTC()).health().status()).isEqualTo(Health.Status.UP);
        } finally {
            again.stop();
            assertThat(again.awaitTermination(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(Cli.run("schema", "plan", yaml.toString()).out()).doesNotContain("HELD");
    }

    @Test
    void aRejectedChangeLeavesTheTargetInItsOldShapeAndTheRowsGoOnWithoutTheNewColumn() throws Exception {
        Pipeline p = holdAnAddedColumn();
        try {
            Cli reject = Cli.run("schema", "reject", work.resolve("pipeline.yaml").toString(), "held", "2", "--table",
                    "public." + name);
            assertThat(reject.exitCode()).as(reject.all()).isZero();
            assertThat(reject.out()).contains("rejected: sink 'held' holds public." + name + " v2")
                    .contains("keeps its schema");
            await(() -> ids(ExactRows::mariadb, name).contains(500L), "the rows after the rejection", p);
            stopWriter();
            exec("UPDATE " + name + " SET qty = qty + 1");
            awaitEqual(p, ExactRows::mariadb, name, true);
            awaitEqual(p, ExactRows::postgres, name + "_live", false);
            assertThat(targetColumns()).doesNotContainKey("extra");
            assertThat(p.status().sinks().get(0).schemaChanges().ignored()).isEqualTo(1);
            assertThat(p.status().sinks().get(0).schemaChanges().held()).isEmpty();
        } finally {
            p.stop();
            assertThat(p.awaitTermination(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(p.state()).as("%s", p.failure()).isEqualTo(PipelineState.STOPPED);
    }

    /**
     * Starts the pipeline with a writer on the table, adds a column with row 500 after it, and waits
     * until the live sink has row 500 and the held sink holds the change; checks what holding means.
     */
    private Pipeline holdAnAddedColumn() throws Exception {
        exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, qty int NOT NULL, label varchar(20), note varchar(30))",
                "INSERT INTO " + name + " (id, qty, label, note) VALUES " + rows(1, 20));
        Pipeline p = start();
        addColumnUnderAWriter(p);
        long mark = nextId.get(); // the writer's inserts above this id start after row 500 committed
        await(() -> ids(ExactRows::postgres, name + "_live").contains(500L) && !held(p).isEmpty(),
                "row 500 in the live sink and the change held by the other", p);
        await(() -> ids(ExactRows::postgres, name + "_live").stream().anyMatch(id -> id > mark && id != 500),
                "the live sink goes on with the writer's rows after the change", p);

        assertThat(targetColumns()).as("the held target keeps its shape").doesNotContainKey("extra");
        assertThat(ids(ExactRows::mariadb, name)).as("no row after the change in the held target")
                .doesNotContain(500L).noneMatch(id -> id > mark);
        assertThat(held(p)).singleElement().satisfies(h -> {
            assertThat(h.version()).isEqualTo(2);
            assertThat(h.changes()).isEqualTo("add column extra int32 (FULL)");
            assertThat(h.statements()).containsExactly("ALTER TABLE `" + name
                    + "` ADD COLUMN IF NOT EXISTS `extra` int DEFAULT 7");
        });
        p.checkpointNow();
        String heldAt = held(p).get(0).position().offset("lsn");
        try (Connection c = ExactRows.postgres(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT confirmed_flush_lsn, confirmed_flush_lsn < '" + heldAt + "'::pg_lsn"
                     + " FROM pg_replication_slots WHERE slot_name = '" + name + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(2)).as("the slot (confirmed %s) keeps the WAL from before the held change at %s",
                    rs.getString(1), heldAt).isTrue();
        }
        PipelineObserver observer = new PipelineObserver(p, Clock.systemUTC());
        Health health = observer.health();
        assertThat(health.status()).isEqualTo(Health.Status.DEGRADED);
        assertThat(health.schemaHeld()).singleElement().asString().contains("sink 'held' holds public." + name + " v2")
                .contains("approve: cdc schema approve FILE held 2 --table public." + name);
        JsonNode status = StatusJson.status(observer);
        assertThat(status.at("/sinks/0/schema_changes/held/0/version").asInt()).isEqualTo(2);
        assertThat(status.at("/sinks/1/schema_changes/held").size()).isZero();
        assertThat(StatusCommand.render(status)).contains("SCHEMA CHANGE HELD (schema-policy manual): public." + name
                + " v2: add column extra int32 (FULL)");
        assertThat(registry.find("cdc.sink.schema.pending").tag("sink", "held").gauge().value()).isEqualTo(1.0);
        return p;
    }

    private SimpleMeterRegistry registry;
    private Pipeline running;

    @Test
    void aCdcProcessKilledWhileHoldingHoldsAgainAfterTheRestartAndTakesTheApprovalWhileRunning() throws Exception {
        exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, qty int NOT NULL, label varchar(20), note varchar(30))",
                "INSERT INTO " + name + " (id, qty, label, note) VALUES " + rows(1, 20));
        int port = CdcJar.freePort();
        Path yaml = writeYaml("metrics: {port: " + port + ", host: 127.0.0.1}");
        String url = "http://127.0.0.1:" + port;
        CdcJar first = CdcJar.start(work, "first", "run", "--status-interval", "0", yaml.toString());
        CdcJar second = null;
        try {
            addColumnUnderAWriter(null);
            await(() -> Cli.run("status", "--url", url).out().contains("SCHEMA CHANGE HELD"), "cdc status shows it held",
                    null);
            Cli status = Cli.run("status", "--url", url);
            assertThat(status.out()).contains("SCHEMA CHANGE HELD (schema-policy manual): public." + name
                    + " v2: add column extra int32 (FULL)").contains("ALTER TABLE `" + name + "` ADD COLUMN")
                    .contains("approve: cdc schema approve FILE held 2 --table public." + name);
            assertThat(first.process().isAlive()).as("still running when killed:\n%s", first.stderr()).isTrue();
            first.process().destroyForcibly().waitFor(); // SIGKILL while held
            assertThat(ids(ExactRows::mariadb, name)).doesNotContain(500L);

            second = CdcJar.start(work, "second", "run", "--status-interval", "0", yaml.toString());
            await(() -> Cli.run("status", "--url", url).out().contains("SCHEMA CHANGE HELD"), "held again after the kill",
                    null);
            assertThat(targetColumns()).doesNotContainKey("extra");
            assertThat(ids(ExactRows::mariadb, name)).doesNotContain(500L);
            Cli approve = Cli.run("schema", "approve", yaml.toString(), "held", "2");
            assertThat(approve.exitCode()).as(approve.all()).isZero();
            await(() -> ids(ExactRows::mariadb, name).contains(500L), "the held rows after the approval", null);
            stopWriter();
            exec("UPDATE " + name + " SET qty = qty + 1");
            awaitEqual(null, ExactRows::mariadb, name, false);
            awaitEqual(null, ExactRows::postgres, name + "_live", false);
            assertThat(Cli.run("status", "--url", url).out()).doesNotContain("HELD");
            second.process().destroy(); // SIGTERM: drain and stop
            assertThat(second.waitFor(60)).as(second.stderr()).isZero();
        } finally {
            for (CdcJar c : new CdcJar[] {first, second}) {
                if (c != null && c.process().isAlive()) {
                    c.process().destroyForcibly().waitFor();
                }
            }
        }
    }

    /** Once the snapshot is in both targets: a writer, a streamed checkpoint, then ADD COLUMN and row 500 after it. */
    private void addColumnUnderAWriter(Pipeline p) throws Exception {
        await(() -> ids(ExactRows::mariadb, name).size() >= 20 && ids(ExactRows::postgres, name + "_live").size() >= 20,
                "the snapshot in both targets", p);
        startWriter();
        await(this::streamed, "a streamed checkpoint", p);
        exec("ALTER TABLE " + name + " ADD COLUMN extra int DEFAULT 7",
                "INSERT INTO " + name + " (id, qty, extra) VALUES (500, 1, 8)");
    }

    private Path writeYaml(String extra) throws Exception {
        String yaml = """
                pipeline: %s
                source: %s
                sinks:
                  - {name: held, type: jdbc, %s, tombstone-table: %s_tomb, schema-policy: manual}
                  - {name: live, type: jdbc, %s, table-name: "${name}_live", tombstone-table: %s_live_tomb, schema-policy: evolve}
                checkpoint: {type: file, path: "%s"}
                engine: {checkpoint-interval: 50ms, flush-interval: 20ms}
                %s
                """.formatted(name.replace('_', '-'), JdbcRoute.POSTGRES_TO_MARIADB.sourceYaml(name),
                JdbcRoute.POSTGRES_TO_MARIADB.targetOptions(), name, JdbcRoute.MARIADB_TO_POSTGRES.targetOptions(), name,
                work.resolve("state"), extra);
        return Files.writeString(work.resolve("pipeline.yaml"), yaml);
    }

    private Pipeline start() throws Exception {
        String yaml = Files.readString(writeYaml(""));
        registry = new SimpleMeterRegistry();
        Pipeline p = Pipeline.create(new PipelineLoader(PipelineFiles.registry()).parse(yaml, name + ".yaml"), registry);
        p.start();
        running = p;
        return p;
    }

    private static List<dev.cdc.core.schema.HeldChanges.Held> held(Pipeline p) {
        return p.status().sinks().get(0).schemaChanges().held();
    }

    /** The target equals the source, value by value; {@code withoutExtra}: the source without column extra. */
    private void awaitEqual(Pipeline p, JdbcRoute.Connector target, String table, boolean withoutExtra)
            throws Exception {
        Map<Long, Map<String, String>> expected;
        try (Connection c = ExactRows.postgres()) {
            expected = ExactRows.of(c, name, Set.of());
        }
        if (withoutExtra) {
            expected.values().forEach(r -> r.remove("extra"));
        }
        String[] last = {"not read yet"};
        await(() -> {
            try (Connection c = target.open()) {
                last[0] = ExactRows.difference(expected, ExactRows.of(c, table, Set.of()));
            } catch (Exception e) {
                last[0] = e.toString();
            }
            return last[0].isEmpty();
        }, () -> table + " equals the source: " + last[0], p);
    }

    private Map<String, String> targetColumns() throws SQLException {
        Map<String, String> columns = new TreeMap<>();
        try (Connection c = ExactRows.mariadb(); ResultSet rs = c.getMetaData().getColumns(c.getCatalog(), null, name, "%")) {
            while (rs.next()) {
                columns.put(rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME"));
            }
        }
        return columns;
    }

    private static Set<Long> ids(JdbcRoute.Connector connector, String table) {
        try (Connection c = connector.open(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM " + table)) {
            Set<Long> ids = new HashSet<>();
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
            return ids;
        } catch (SQLException e) {
            return Set.of();
        }
    }

    private boolean streamed() {
        try {
            return !Files.readString(work.resolve("state").resolve("checkpoint.json")).contains("\"snapshot\"");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private void exec(String... sql) throws SQLException {
        JdbcRoute.execute(ExactRows::postgres, sql);
    }

    private void startWriter() {
        writes = new BackgroundWrites(name, () -> {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            exec(r.nextBoolean()
                    ? "INSERT INTO " + name + " (id, qty) VALUES (" + nextId.incrementAndGet() + ", " + r.nextInt(1000) + ")"
                    : "UPDATE " + name + " SET qty = qty + 1 WHERE id = " + (1 + r.nextInt(20)));
        });
    }

    private void stopWriter() throws InterruptedException {
        if (writes != null) {
            writes.close();
            writes = null;
        }
    }
}
