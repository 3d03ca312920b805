package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.core.config.PipelineLoader;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.testkit.fixture.Services;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A column renamed upstream, end to end: a pipeline from a real database into a file sees
 * {@code ALTER TABLE ... RENAME COLUMN} mid-stream, and {@code cdc schema history} then shows the
 * two versions and the change between them as a rename (not a drop plus an add), for PostgreSQL
 * (renames known by attnum) and MariaDB (renames read from the ALTER's text).
 */
class SchemaHistoryRenameIT {

    @TempDir
    Path work;

    private final String name = "myrename_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);

    @Test
    void postgresRenameColumnIsARenameInTheSchemaHistory() throws Exception {
        String table = "public." + name;
        try {
            exec(this::postgres, "CREATE TABLE " + name + " (id bigint PRIMARY KEY, a int)",
                    "INSERT INTO " + name + " VALUES (1, 10)");
            Path yaml = pipeline("{type: postgres, url: \"" + PostgresPipelineIT.URL + "\", user: postgres, slot: "
                    + name + ", publication: " + name + ", tables: [" + table + "]}");
            // the PostgreSQL source knows a table's attnums from its first Relation message in a session (the
            // catalog read at start may be ahead of the log), so a row is streamed before the rename
            renameWhileRunning(yaml, this::postgres, true, "ALTER TABLE " + name + " RENAME COLUMN a TO b");
            assertHistory(yaml, table, "id int64 not null (key), a int32", "id int64 not null (key), b int32");
        } finally {
            PostgresPipelineIT.dropSlotPublicationAndTable(name, name);
        }
    }

    @Test
    void mariaDbRenameColumnIsARenameInTheSchemaHistory() throws Exception {
        String table = "test." + name;
        try {
            exec(this::mariadb, "CREATE TABLE " + name + " (id bigint PRIMARY KEY, a int)",
                    "INSERT INTO " + name + " VALUES (1, 10)");
            Path yaml = pipeline("{type: mysql, host: 127.0.0.1, port: 3306, user: cdc, password: cdc, database: test,"
                    + " tables: " + name + ", server-id: " + (170_000 + ThreadLocalRandom.current().nextInt(100_000))
                    + "}");
            // right after the snapshot: the MySQL source reads the rename from the ALTER's text
            renameWhileRunning(yaml, this::mariadb, false, "ALTER TABLE " + name + " RENAME COLUMN a TO b");
            assertHistory(yaml, table, "id int64 not null (key), a int32", "id int64 not null (key), b int32");
        } finally {
            exec(this::mariadb, "DROP TABLE IF EXISTS " + name);
        }
    }

    private Path pipeline(String source) throws Exception {
        return Files.writeString(work.resolve(name + ".yaml"), """
                pipeline: %s
                source: %s
                sinks:
                  - {name: archive, type: file, path: "%s", schema-policy: evolve}
                checkpoint: {type: file, path: "%s"}
                engine: {checkpoint-interval: 50ms, flush-interval: 20ms}
                """.formatted(name.replace('_', '-'), source, work.resolve("out.jsonl"), work.resolve("state")));
    }

    /**
     * Runs the pipeline over row 1 (snapshot), row 2 (streamed, old shape) when asked, the rename and
     * row 3 (written with the new name), then stops it.
     */
    private void renameWhileRunning(Path yaml, Db db, boolean streamedRowFirst, String rename) throws Exception {
        Pipeline p = Pipeline.create(new PipelineLoader(PipelineFiles.registry())
                .parse(Files.readString(yaml), yaml.toString()));
        p.start();
        try {
            awaitRow(p, 1);
            if (streamedRowFirst) {
                exec(db, "INSERT INTO " + name + " (id, a) VALUES (2, 20)");
                awaitRow(p, 2);
            }
            exec(db, rename, "INSERT INTO " + name + " (id, b) VALUES (3, 30)");
            awaitRow(p, 3);
        } finally {
            p.stop();
            assertThat(p.awaitTermination(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(p.state()).as("%s", p.failure()).isEqualTo(PipelineState.STOPPED);
    }

    private void assertHistory(Path yaml, String table, String v1Columns, String v2Columns) {
        Cli r = Cli.run("schema", "history", yaml.toString(), table);
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).as(r.out())
                .contains(table + ": 2 versions")
                .contains("  v1  at ", "  v2  at ")
                .contains("columns: " + v1Columns)
                .contains("columns: " + v2Columns)
                .contains("rename column a to b")
                .doesNotContain("drop column a", "add column b");
        // each version's columns, then the changes that led to it
        assertThat(r.out().indexOf("columns: " + v1Columns)).isLessThan(r.out().indexOf("  v2  at "));
        assertThat(r.out().indexOf("  v2  at ")).isLessThan(r.out().indexOf("columns: " + v2Columns));
        assertThat(r.out().indexOf("columns: " + v2Columns)).isLessThan(r.out().indexOf("rename column a to b"));
    }

    private void awaitRow(Pipeline p, long id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (true) {
            for (JsonNode e : CdcJar.jsonLines(work.resolve("out.jsonl"))) {
                if (e.path("after").path("id").asLong(-1) == id) {
                    return;
                }
            }
            if (p.state() == PipelineState.FAILED || System.nanoTime() > deadline) {
                fail("row " + id + " not in the file (pipeline " + p.state() + ", " + p.failure() + ")");
            }
            Thread.sleep(20);
        }
    }

    private interface Db {
        Connection connect() throws SQLException;
    }

    private Connection postgres() throws SQLException {
        return DriverManager.getConnection(PostgresPipelineIT.URL, Services.postgresUser(), Services.postgresPassword());
    }

    private Connection mariadb() throws SQLException {
        return DriverManager.getConnection(Services.mariadbJdbcUrl(), Services.mariadbUser(), Services.mariadbPassword());
    }

    private static void exec(Db db, String... sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }
}
