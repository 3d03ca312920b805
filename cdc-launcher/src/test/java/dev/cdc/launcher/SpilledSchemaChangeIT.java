package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PipelineStatus;
import dev.cdc.testkit.fixture.EsTestIndex;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import dev.cdc.testkit.fixture.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.cdc.launcher.SinkOutageIT.await;
import static dev.cdc.launcher.SinkOutageIT.esValues;
import static dev.cdc.launcher.SinkOutageIT.sink;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A schema change that arrives while a lane spills: PostgreSQL streams into Elasticsearch (behind
 * a {@link TcpProxy}) and Redis; while Elasticsearch is unreachable and its lane writes to the
 * backlog, a column is added and rows are written with it. The schema change's batch is not
 * encoded (it stays in memory at its place in the backlog, a {@code P} record), so the lane hands
 * Elasticsearch the rows before it, the change, and the rows after it, in that order, once it is
 * back: the index gets the new field's mapping, every row its value, and equals the table.
 */
class SpilledSchemaChangeIT {


    @TempDir
    Path work;

    @Test
    void aColumnAddedWhileTheLaneSpillsIsAppliedBetweenTheRowsBeforeAndAfterIt() throws Exception {
        Services.requireReachable(Service.POSTGRES);
        Services.requireReachable(Service.ELASTICSEARCH);
        Services.requireReachable(Service.REDIS);
        String name = "spill_schema_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        PostgresPipelineIT.exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, v bigint NOT NULL)",
                "INSERT INTO " + name + " SELECT g, 0 FROM generate_series(1, " + SinkOutageIT.ROWS + ") g");
        URI es = URI.create(Services.elasticsearchUrl());
        AtomicBoolean writing = new AtomicBoolean(true);
        ConcurrentLinkedDeque<SinkOutageIT.Write> writes = new ConcurrentLinkedDeque<>();
        Thread writer = new Thread(() -> SinkOutageIT.write(name, writing, writes), "writer");
        Pipeline pipeline = null;
        try (TcpProxy proxy = TcpProxy.start(es.getHost(), es.getPort())) {
            pipeline = Pipeline.fromYaml(SinkOutageIT.yaml(name, proxy.port(), "{}", work), "schema.yaml");
            pipeline.start();
            Pipeline p = pipeline;
            await(p, "the snapshot in Elasticsearch", () -> esValues(name).size() == SinkOutageIT.ROWS);
            writer.start();
            Thread.sleep(500);
            proxy.refuse();
            await(p, "the Elasticsearch lane spilling", () -> sink(p, "search").backlog().events() > 0);
            PostgresPipelineIT.exec("ALTER TABLE " + name + " ADD COLUMN note text",
                    "UPDATE " + name + " SET note = 'n' || id WHERE id <= 100");
            long changed = walPosition();
            await(p, "Redis past the change (so the Elasticsearch lane spilled the change and rows after it)",
                    () -> sink(p, "cache").acked().map(a -> PostgresPipelineIT.lsn(a.offset("lsn"))).orElse(0L) > changed);
            assertThat(sink(p, "search").schemaChanges().applied()).as("not applied while unreachable").isZero();
            proxy.accept();
            Thread.sleep(500);
            writing.set(false);
            writer.join();
            Map<Long, String> table = tableRows(name);
            await(p, "Elasticsearch equal to the table, notes included", () -> esRows(name).equals(table));
            PipelineStatus.SinkStatus search = sink(p, "search");
            assertThat(search.schemaChanges().applied()).as("the added column, applied once").isEqualTo(1);
            assertThat(search.failed()).isZero();
            assertThat(search.deadLettered()).isZero();
            assertThat(EsTestIndex.request("GET", "/" + name + "/_mapping", null).findValue("properties").has("note"))
                    .isTrue();
            assertThat(p.state()).isEqualTo(PipelineState.RUNNING);
        } finally {
            SinkOutageIT.tearDown(writing, writer, pipeline, name);
        }
    }

    /** The current WAL position: every change made so far commits at or before it. */
    private static long walPosition() throws Exception {
        try (Connection c = PostgresPipelineIT.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return PostgresPipelineIT.lsn(rs.getString(1));
        }
    }

    /** id -> "v/note" of the table. */
    private static Map<Long, String> tableRows(String table) throws Exception {
        Map<Long, String> out = new HashMap<>();
        try (Connection c = PostgresPipelineIT.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, v, note FROM " + table)) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2) + "/" + rs.getString(3));
            }
        }
        return out;
    }

    /** id -> "v/note" of the index (a missing note reads as null, as SQL NULL does). */
    private static Map<Long, String> esRows(String index) throws Exception {
        EsTestIndex.named(index).refresh();
        Map<Long, String> out = new HashMap<>();
        JsonNode hits = EsTestIndex.request("POST", "/" + index + "/_search?size=10000", null).path("hits").path("hits");
        for (JsonNode hit : hits) {
            JsonNode source = hit.path("_source");
            JsonNode note = source.path("note");
            out.put(source.path("id").asLong(), source.path("v").asLong() + "/"
                    + (note.isMissingNode() || note.isNull() ? null : note.asText()));
        }
        return out;
    }
}
