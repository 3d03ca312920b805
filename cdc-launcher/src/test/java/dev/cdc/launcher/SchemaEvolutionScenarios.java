package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.api.error.SchemaEvolutionException;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.schema.TypeKind;
import dev.cdc.plugins.checkpoint.FileCheckpointStore;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.schema.registry.SchemaRegistry;
import dev.cdc.schema.registry.SchemaVersion;
import dev.cdc.schema.store.FileSchemaStore;
import dev.cdc.testkit.fixture.EsTestIndex;
import dev.cdc.testkit.fixture.Services;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Schema evolution end to end, database to Elasticsearch, while a writer inserts and updates rows:
 * ADD COLUMN, DROP COLUMN, a widening type change (int to bigint) and an incompatible one (int to
 * date). Under {@code evolve} the index ends with the new mapping and, once every row was touched
 * again, a document equal to each row; under {@code fail} the pipeline stops at the change with the
 * checkpoint just before it, stops there again after a restart, and goes on under {@code evolve}.
 * The schema history file knows every version after each restart. Subclasses supply the database.
 */
abstract class SchemaEvolutionScenarios {


    @TempDir
    Path work;

    final String name = "schema_" + prefix() + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicLong nextId = new AtomicLong(1_000);
    private Thread writer;

    /** A short name of the database for object names. */
    abstract String prefix();

    abstract Connection connect() throws SQLException;

    /** The source section of the pipeline YAML, capturing table {@link #name}. */
    abstract String sourceYaml();

    /** The table as the source names it. */
    abstract TableId tableId();

    abstract String widenQty();

    abstract String noteToDate();

    /** Drops what the source made on the server (a slot, a publication) and the table. */
    abstract void cleanUp() throws Exception;

    @AfterEach
    void stopWriterAndCleanUp() throws Exception {
        stopWriter();
        deleteIndex();
        cleanUp();
    }

    // ------------------------------------------------------------------ scenarios

    @Test
    void underEvolveTheIndexFollowsEveryChangeAndEndsEqualToTheTable() throws Exception {
        Pipeline p = createTableAndStart(100, "evolve");
        try {
            startWriter();
            awaitDocs(p, 100);
            alter(p, "ALTER TABLE " + name + " ADD COLUMN note int");
            exec("UPDATE " + name + " SET note = id WHERE id <= 20");
            alter(p, "ALTER TABLE " + name + " DROP COLUMN label");
            alter(p, widenQty());
            exec("INSERT INTO " + name + " (id, qty) VALUES (" + nextId.incrementAndGet() + ", 5000000000)");
            exec("UPDATE " + name + " SET note = NULL");
            alter(p, noteToDate());
            exec("UPDATE " + name + " SET note = '2024-01-02' WHERE id <= 10");
            stopWriter();
            exec("UPDATE " + name + " SET qty = qty + 1"); // every row once more: every document rewritten whole
            awaitIndexEqualsTable(p);
            JsonNode properties = mapping();
            assertThat(properties.path("qty").path("type").asText()).isEqualTo("long");
            assertThat(properties.path("note").path("type").asText()).isEqualTo("date");
            assertThat(p.state()).isEqualTo(PipelineState.RUNNING);
        } finally {
            p.stop();
            assertThat(p.awaitTermination(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(p.state()).as("%s", p.failure()).isEqualTo(PipelineState.STOPPED);
        assertHistoryHasEveryVersion();

        // a restart reads the history back and adds no version for what it replays or re-announces
        Pipeline again = start("evolve");
        exec("INSERT INTO " + name + " (id, qty, note) VALUES (" + nextId.incrementAndGet() + ", 1, '2024-02-03')");
        awaitIndexEqualsTable(again);
        again.stop();
        assertThat(again.awaitTermination(Duration.ofSeconds(30))).isTrue();
        assertThat(again.state()).as("%s", again.failure()).isEqualTo(PipelineState.STOPPED);
        assertHistoryHasEveryVersion();
    }

    @Test
    void underFailThePipelineStopsJustBeforeTheChangeAndAgainAfterARestartUntilEvolveGoesOn() throws Exception {
        Pipeline p = createTableAndStart(50, "fail");
        startWriter();
        awaitDocs(p, 50);
        paused.set(true);
        Thread.sleep(100);
        List<Long> before = tableIds();
        exec("ALTER TABLE " + name + " ADD COLUMN note int");
        paused.set(false);
        await(() -> p.state() == PipelineState.FAILED, Duration.ofSeconds(30), "the pipeline stops at the change");

        Throwable failure = p.failure().orElseThrow();
        assertThat(failure).isInstanceOf(SchemaEvolutionException.class);
        assertThat(failure.getMessage()).contains("sink 'search'", tableId().toString(), "add column note int32",
                "schema-policy 'fail'", "checkpoint stays just before the change", "schema-policy: evolve");
        Position change = ((SchemaEvolutionException) failure).change().position();
        Position checkpoint = checkpoint();
        assertThat(checkpoint.sortKey()).as("checkpoint %s before the change at %s", checkpoint, change)
                .isLessThan(change.sortKey());
        refresh();
        assertThat(docIds()).as("every row committed before the change is in the index").containsAll(before);
        assertThat(search("{\"size\":0,\"query\":{\"exists\":{\"field\":\"note\"}}}").path("hits").path("total")
                .path("value").asLong()).as("no document of the new shape").isZero();
        assertThat(history()).extracting(SchemaVersion::version).containsExactly(1, 2);

        Pipeline again = start("fail");
        await(() -> again.state() == PipelineState.FAILED, Duration.ofSeconds(30), "the restart stops there again");
        assertThat(((SchemaEvolutionException) again.failure().orElseThrow()).change().position()).isEqualTo(change);
        // the same rows have the same positions in the new session, so the checkpoint has not moved
        Position again2 = checkpoint();
        assertThat(again2.sortKey()).as("still just before the change").isEqualTo(checkpoint.sortKey());

        Pipeline evolved = start("evolve");
        exec("UPDATE " + name + " SET note = 7 WHERE id = 1");
        stopWriter();
        awaitIndexEqualsTable(evolved, "id = 1");
        await(() -> docIds().containsAll(tableIdsUnchecked()), Duration.ofSeconds(30), "every row in the index");
        evolved.stop();
        assertThat(evolved.awaitTermination(Duration.ofSeconds(30))).isTrue();
        assertThat(evolved.state()).as("%s", evolved.failure()).isEqualTo(PipelineState.STOPPED);
        assertThat(checkpoint().sortKey()).isGreaterThan(change.sortKey());
        assertThat(history()).extracting(SchemaVersion::version).containsExactly(1, 2);
    }

    /**
     * Runs a DDL statement, then writes a row and waits for it in the index, so that the next DDL
     * comes after the sources saw this one: PostgreSQL describes a table only with its next row (two
     * ALTERs with no row between are one change), and the MySQL source reads the table's definition
     * when it reaches the DDL.
     */
    void alter(Pipeline p, String ddl) throws Exception {
        exec(ddl);
        long id = nextId.incrementAndGet();
        exec("INSERT INTO " + name + " (id, qty) VALUES (" + id + ", 1)");
        await(() -> docIds().contains(id), Duration.ofSeconds(30), "row " + id + " after " + ddl, p);
    }

    // ------------------------------------------------------------------ pipeline

    /** Creates the table (id, qty, label) with rows 1..rows and starts the pipeline under the policy. */
    Pipeline createTableAndStart(int rows, String policy) throws SQLException {
        exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, qty int NOT NULL, label varchar(50))",
                "INSERT INTO " + name + " (id, qty, label) VALUES " + values(1, rows));
        return start(policy);
    }

    Pipeline start(String policy) {
        String yaml = """
                pipeline: %s
                source: %s
                sinks:
                  - name: search
                    type: elasticsearch
                    hosts: %s
                    index: "%s"
                    schema-policy: %s
                checkpoint: {type: file, path: "%s"}
                engine: {checkpoint-interval: 50ms, flush-interval: 20ms}
                """.formatted(name.replace('_', '-'), sourceYaml(), Services.elasticsearchUrl(), name, policy,
                work.resolve("state"));
        Pipeline p = Pipeline.create(new dev.cdc.core.config.PipelineLoader(PipelineFiles.registry())
                .parse(yaml, name + ".yaml"));
        p.start();
        return p;
    }

    Position checkpoint() throws Exception {
        try (FileCheckpointStore store = new FileCheckpointStore(work.resolve("state"))) {
            return store.load().orElseThrow().position();
        }
    }

    List<SchemaVersion> history() {
        return SchemaRegistry.open(new FileSchemaStore(work.resolve("state"))).history(tableId());
    }

    void assertHistoryHasEveryVersion() {
        List<SchemaVersion> history = history();
        assertThat(history).extracting(SchemaVersion::version).containsExactly(1, 2, 3, 4, 5);
        assertThat(history.get(1).changes()).extracting(SchemaChange::kind).containsExactly(SchemaChangeKind.ADD_COLUMN);
        assertThat(history.get(2).changes()).extracting(SchemaChange::kind).containsExactly(SchemaChangeKind.DROP_COLUMN);
        assertThat(history.get(3).changes()).singleElement().isInstanceOfSatisfying(SchemaChange.AlterColumnType.class,
                c -> assertThat(c.to().kind()).isEqualTo(TypeKind.INT64));
        assertThat(history.get(4).changes()).singleElement().isInstanceOfSatisfying(SchemaChange.AlterColumnType.class,
                c -> assertThat(c.to().kind()).isEqualTo(TypeKind.DATE));
        for (int i = 1; i < history.size(); i++) {
            assertThat(history.get(i).position().sortKey()).isGreaterThan(history.get(i - 1).position().sortKey());
        }
    }

    // ------------------------------------------------------------------ database

    void exec(String... sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    static String values(long from, long to) {
        StringBuilder sb = new StringBuilder();
        for (long i = from; i <= to; i++) {
            sb.append(i == from ? "" : ",").append("(").append(i).append(",").append(i).append(",'l").append(i)
                    .append("')");
        }
        return sb.toString();
    }

    List<Long> tableIds() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM " + name + " ORDER BY id")) {
            List<Long> ids = new java.util.ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
            return ids;
        }
    }

    private List<Long> tableIdsUnchecked() {
        try {
            return tableIds();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Each row as the document the sink writes: id, qty, and note (ISO date or null) when the table has it. */
    Map<Long, Map<String, Object>> rows(String where) throws SQLException {
        Map<Long, Map<String, Object>> rows = new HashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + name + " WHERE " + where)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= columns; i++) {
                    Object v = rs.getObject(i);
                    row.put(rs.getMetaData().getColumnName(i).toLowerCase(java.util.Locale.ROOT),
                            v == null ? null : v instanceof Number n ? n.longValue() : v.toString());
                }
                rows.put(rs.getLong("id"), row);
            }
        }
        return rows;
    }

    void startWriter() {
        writing.set(true);
        writer = new Thread(() -> {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            while (writing.get()) {
                try {
                    if (paused.get()) {
                        Thread.sleep(10);
                        continue;
                    }
                    if (r.nextBoolean()) {
                        exec("INSERT INTO " + name + " (id, qty) VALUES (" + nextId.incrementAndGet() + ", "
                                + r.nextInt(1000) + ")");
                    } else {
                        exec("UPDATE " + name + " SET qty = qty + 1 WHERE id = " + (1 + r.nextInt(50)));
                    }
                    Thread.sleep(5);
                } catch (SQLException e) {
                    // an ALTER holding the table: try again
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "writer-" + name);
        writer.start();
    }

    void stopWriter() throws InterruptedException {
        writing.set(false);
        if (writer != null) {
            writer.join();
        }
    }

    // ------------------------------------------------------------------ Elasticsearch

    void refresh() throws Exception {
        EsTestIndex.named(name).refresh();
    }

    JsonNode search(String body) throws Exception {
        return EsTestIndex.request("POST", "/" + name + "/_search", body);
    }

    JsonNode mapping() throws Exception {
        JsonNode all = EsTestIndex.request("GET", "/" + name + "/_mapping", null);
        return all.elements().next().path("mappings").path("properties");
    }

    Map<Long, JsonNode> docs() throws Exception {
        refresh();
        JsonNode hits = search("{\"size\":10000,\"query\":{\"match_all\":{}}}").path("hits").path("hits");
        Map<Long, JsonNode> docs = new HashMap<>();
        hits.forEach(h -> docs.put(h.path("_source").path("id").asLong(), h.path("_source")));
        return docs;
    }

    List<Long> docIds() {
        try {
            return List.copyOf(docs().keySet());
        } catch (Exception e) {
            return List.of();
        }
    }

    /** Deletes the sink's indexes by their names (this Elasticsearch refuses wildcard deletes). */
    void deleteIndex() throws Exception {
        EsTestIndex.deleteAll(name);
    }

    void awaitDocs(Pipeline p, int count) throws Exception {
        await(() -> docIds().size() >= count, Duration.ofSeconds(40), count + " documents", p);
    }

    void awaitIndexEqualsTable(Pipeline p) throws Exception {
        awaitIndexEqualsTable(p, "1 = 1");
    }

    /** Waits until the documents of the rows {@code where} selects equal the rows, column by column. */
    void awaitIndexEqualsTable(Pipeline p, String where) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            assertThat(p.state()).as("pipeline failed: %s", p.failure()).isNotEqualTo(PipelineState.FAILED);
            Map<Long, Map<String, Object>> rows = rows(where);
            Map<Long, JsonNode> docs = docs();
            last = difference(rows, docs);
            if (last.isEmpty()) {
                return;
            }
            Thread.sleep(200);
        }
        fail("the index does not equal the table: " + last);
    }

    private static String difference(Map<Long, Map<String, Object>> rows, Map<Long, JsonNode> docs) {
        for (Map.Entry<Long, Map<String, Object>> row : rows.entrySet()) {
            JsonNode doc = docs.get(row.getKey());
            if (doc == null) {
                return "no document for id " + row.getKey();
            }
            for (Map.Entry<String, Object> col : row.getValue().entrySet()) {
                JsonNode v = doc.path(col.getKey());
                Object want = col.getValue();
                boolean same = want == null ? v.isNull() || v.isMissingNode()
                        : want instanceof Long l ? v.canConvertToLong() && v.asLong() == l : v.asText().equals(want);
                if (!same) {
                    return "id " + row.getKey() + " column " + col.getKey() + ": table " + want + ", index " + v;
                }
            }
            List<String> extra = new java.util.ArrayList<>();
            doc.fieldNames().forEachRemaining(f -> {
                if (!row.getValue().containsKey(f)) {
                    extra.add(f);
                }
            });
            if (!extra.isEmpty()) {
                return "id " + row.getKey() + ": the document has columns the table has not: " + extra;
            }
        }
        return "";
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        await(condition, timeout, what, null);
    }

    static void await(BooleanSupplier condition, Duration timeout, String what, Pipeline p) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + timeout + ": " + what + (p == null ? "" : "; pipeline " + p.state() + " "
                        + p.failure()));
            }
            Thread.sleep(100);
        }
    }
}
