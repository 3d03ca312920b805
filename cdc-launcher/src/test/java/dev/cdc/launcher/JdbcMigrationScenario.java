package dev.cdc.launcher;

import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.core.config.PipelineLoader;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.schema.registry.SchemaRegistry;
import dev.cdc.schema.registry.SchemaVersion;
import dev.cdc.schema.store.FileSchemaStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Schema changes mid-stream through the {@code jdbc} sink into another database, while a writer
 * inserts and updates rows: ADD COLUMN with a default, DROP COLUMN, int to bigint, varchar(20) to
 * varchar(200) and RENAME COLUMN, each followed by a row that needs it (a value above 2^31, a label
 * of 150 characters, a value in the renamed column). The target's DDL follows each change, every row
 * arrives in the right shape, and in the end the target equals the source value by value. Subclasses
 * supply the two databases and the DDL in the source's dialect.
 */
abstract class JdbcMigrationScenario {

    @TempDir
    Path work;

    final String name = prefix() + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
    private final AtomicLong nextId = new AtomicLong(1_000);
    private BackgroundWrites writes;

    abstract String prefix();

    /** The source database and the target database. */
    abstract JdbcRoute route();

    /** The target's name of the bigint type, as its JDBC metadata says ({@code int8}, {@code bigint}). */
    abstract String bigintName();

    Connection source() throws SQLException {
        return route().source();
    }

    Connection target() throws SQLException {
        return route().target();
    }

    @AfterEach
    void stopWriterAndCleanUp() throws Exception {
        stopWriter();
        route().dropSource(name);
        route().dropTarget(name);
    }

    @Test
    void everySchemaChangeReachesTheTargetBetweenTheRowsOfTheOldAndTheNewShape() throws Exception {
        exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, qty int NOT NULL, label varchar(20), note varchar(30))",
                "INSERT INTO " + name + " (id, qty, label, note) VALUES " + rows(1, 50));
        Pipeline p = start("evolve");
        try {
            startWriter();
            await(() -> targetIds().size() >= 50 && streamed(), "the snapshot in the target, then streaming", p);
            alter(p, "ALTER TABLE " + name + " ADD COLUMN extra int DEFAULT 7", "INSERT INTO " + name
                    + " (id, qty, extra) VALUES (%d, 1, 8)");
            alter(p, "ALTER TABLE " + name + " DROP COLUMN note", "INSERT INTO " + name + " (id, qty) VALUES (%d, 2)");
            alter(p, route().retype(name, "qty", "bigint", true), "INSERT INTO " + name + " (id, qty) VALUES (%d, 5000000000)");
            alter(p, route().retype(name, "label", "varchar(200)", false), "INSERT INTO " + name + " (id, qty, label) VALUES (%d, 3, '" + "x".repeat(150) + "')");
            alter(p, "ALTER TABLE " + name + " RENAME COLUMN label TO title", "INSERT INTO " + name
                    + " (id, qty, title) VALUES (%d, 4, 'renamed')");
            stopWriter();
            exec("UPDATE " + name + " SET qty = qty + 1");
            awaitTargetEqualsSource(p);
            Map<String, String> columns = targetColumns();
            assertThat(columns).containsKeys("id", "qty", "title", "extra").doesNotContainKeys("label", "note");
            assertThat(columns.get("qty")).startsWith(bigintName() + " ");
            assertThat(columns.get("title")).endsWith(" 200");
            assertThat(p.state()).isEqualTo(PipelineState.RUNNING);
        } finally {
            p.stop();
            assertThat(p.awaitTermination(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(p.state()).as("%s", p.failure()).isEqualTo(PipelineState.STOPPED);
        List<SchemaVersion> history = SchemaRegistry.open(new FileSchemaStore(work.resolve("state"))).history(route().tableId(name));
        assertThat(history.stream().skip(1).map(v -> v.changes().stream().map(SchemaChange::kind).toList()).toList())
                .containsExactly(List.of(SchemaChangeKind.ADD_COLUMN), List.of(SchemaChangeKind.DROP_COLUMN),
                        List.of(SchemaChangeKind.ALTER_COLUMN_TYPE), List.of(SchemaChangeKind.ALTER_COLUMN_TYPE),
                        List.of(SchemaChangeKind.RENAME_COLUMN));
    }

    /** Runs the DDL, then a row that needs it (%d: a new id), and waits for that row in the target. */
    void alter(Pipeline p, String ddl, String row) throws Exception {
        exec(ddl);
        long id = nextId.incrementAndGet();
        exec(row.formatted(id));
        await(() -> targetIds().contains(id), "row " + id + " after " + ddl, p);
    }

    Pipeline start(String policy) {
        String yaml = """
                pipeline: %s
                source: %s
                sinks:
                  - {name: replica, type: jdbc, %s, table-name: "${name}", tombstone-table: %s_tomb, schema-policy: %s}
                checkpoint: {type: file, path: "%s"}
                engine: {checkpoint-interval: 50ms, flush-interval: 20ms}
                """.formatted(name.replace('_', '-'), route().sourceYaml(name), route().targetOptions(), name, policy,
                work.resolve("state"));
        try {
            Files.writeString(work.resolve("pipeline.yaml"), yaml);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Pipeline p = Pipeline.create(new PipelineLoader(PipelineFiles.registry()).parse(yaml, name + ".yaml"));
        p.start();
        return p;
    }

    void awaitTargetEqualsSource(Pipeline p) throws Exception {
        Map<Long, Map<String, String>> expected;
        try (Connection c = source()) {
            expected = ExactRows.of(c, name, Set.of());
        }
        String[] last = {"not read yet"};
        await(() -> {
            try (Connection c = target()) {
                last[0] = ExactRows.difference(expected, ExactRows.of(c, name, Set.of()));
            } catch (Exception e) {
                last[0] = e.toString();
            }
            return last[0].isEmpty();
        }, () -> "the target equals the source: " + last[0], p);
    }

    /** The target table's columns: name to "type size". */
    Map<String, String> targetColumns() throws SQLException {
        Map<String, String> columns = new TreeMap<>();
        try (Connection c = target(); ResultSet rs = c.getMetaData().getColumns(c.getCatalog(), null, name, "%")) {
            while (rs.next()) {
                columns.put(rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME").toLowerCase(java.util.Locale.ROOT)
                        + " " + rs.getInt("COLUMN_SIZE"));
            }
        }
        return columns;
    }

    Set<Long> targetIds() {
        try (Connection c = target(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM " + name)) {
            Set<Long> ids = new java.util.HashSet<>();
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
            return ids;
        } catch (SQLException e) {
            return Set.of();
        }
    }

    /** Whether the checkpoint is past the snapshot. */
    boolean streamed() {
        try {
            return !Files.readString(work.resolve("state").resolve("checkpoint.json")).contains("\"snapshot\"");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    void exec(String... sql) throws SQLException {
        try (Connection c = source(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    static String rows(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i <= to; i++) {
            sb.append(i == from ? "" : ", ").append("(").append(i).append(", ").append(i).append(", 'l").append(i)
                    .append("', 'n").append(i).append("')");
        }
        return sb.toString();
    }

    void startWriter() {
        writes = new BackgroundWrites(name, () -> {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            exec(r.nextBoolean()
                    ? "INSERT INTO " + name + " (id, qty) VALUES (" + nextId.incrementAndGet() + ", " + r.nextInt(1000) + ")"
                    : "UPDATE " + name + " SET qty = qty + 1 WHERE id = " + (1 + r.nextInt(50)));
        });
    }

    void stopWriter() throws InterruptedException {
        if (writes != null) {
            writes.close();
        }
    }

    static void await(BooleanSupplier condition, String what, Pipeline p) throws InterruptedException {
        await(condition, () -> what, p);
    }

    static void await(BooleanSupplier condition, java.util.function.Supplier<String> what, Pipeline p)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (p != null && p.state() == PipelineState.FAILED) {
                fail(what.get() + ": the pipeline failed: " + p.failure().map(Throwable::toString).orElse(""));
            }
            if (System.nanoTime() > deadline) {
                fail("not within 60 s: " + what.get() + (p == null ? "" : "; pipeline " + p.state() + " " + p.failure()));
            }
            Thread.sleep(100);
        }
    }
}
