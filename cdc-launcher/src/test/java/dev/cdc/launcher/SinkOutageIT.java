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
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Issue 11's "done when", in seconds: Elasticsearch (behind a {@link TcpProxy} that refuses
 * connections, as a stopped server would) goes down mid-stream while a writer updates a
 * PostgreSQL table that streams into Elasticsearch ({@code on-failure: dead-letter}) and Redis.
 * Throughout the outage the pipeline runs, Redis stays within 2 s of the writer, the
 * Elasticsearch lane spills to its backlog, and the slot's {@code confirmed_flush_lsn} never
 * passes what Elasticsearch acknowledged; afterwards Elasticsearch drains, both equal the table,
 * and nothing was dead-lettered. The outage lasts {@code -Dcdc.it.outage.seconds} (10 by default;
 * {@code scripts/soak-sink-outage.sh} runs it for 10 minutes).
 */
class SinkOutageIT {

    static final int ROWS = 300;
    private static final long OUTAGE_SECONDS = Long.getLong("cdc.it.outage.seconds", 10);
    /** How far Redis may be behind the writer (the 2 s; {@code -Dcdc.it.redis.bound.ms} for a loaded machine). */
    private static final Duration REDIS_BOUND = Duration.ofMillis(Long.getLong("cdc.it.redis.bound.ms", 2_000));

    @TempDir
    Path work;

    /** One committed update: when, which row, which value. */
    record Write(long nanos, long id, long v) {
    }

    @Test
    void elasticsearchDownMidStreamNeitherStallsRedisNorKillsThePipelineNorLosesAnything() throws Exception {
        try (Streaming s = Streaming.start("sink_outage_", "{}", "outage.yaml", work)) {
            String name = s.name;
            TcpProxy proxy = s.proxy;
            ConcurrentLinkedDeque<Write> writes = s.writes;
            Pipeline p = s.pipeline;
            s.writer.start();
            Thread.sleep(1_000);

            proxy.refuse();
            // what another test's pipeline or backfill emits meanwhile: must not reach this pipeline's sinks
            PostgresPipelineIT.exec("SELECT pg_logical_emit_message(false, 'cdc-heartbeat', now()::text)",
                    "SELECT pg_logical_emit_message(true, 'cdc-backfill', 'foreign')");
            long outageEnd = System.nanoTime() + Duration.ofSeconds(OUTAGE_SECONDS).toNanos();
            boolean sawOutage = false;
            long maxBacklog = 0;
            long maxRedisLag = 0;
            while (System.nanoTime() < outageEnd) {
                Thread.sleep(250);
                assertThat(p.state()).as("the pipeline runs through the outage").isEqualTo(PipelineState.RUNNING);
                long confirmed = PostgresPipelineIT.confirmedFlush(name);
                PipelineStatus.SinkStatus search = sink(p, "search");
                sawOutage |= search.outage().isPresent();
                maxBacklog = Math.max(maxBacklog, search.backlog().events());
                Optional<String> held = search.acked().map(a -> a.offset("lsn"));
                assertThat(confirmed).as("the slot's confirmed_flush_lsn never passes what Elasticsearch acknowledged "
                        + "(%s)", held).isLessThanOrEqualTo(held.map(PostgresPipelineIT::lsn).orElse(Long.MAX_VALUE));
                long redisLag = redisLagMillis(name, writes);
                if (redisLag > 2_000) {
                    System.out.printf("%s Redis %d ms behind the writer (Redis lane: %s; the source waits on: %s; "
                            + "load average %.1f)%n", java.time.Instant.now(), redisLag, sink(p, "cache"),
                            p.status().sourceWaitingOn().orElse("none"), java.lang.management.ManagementFactory
                                    .getOperatingSystemMXBean().getSystemLoadAverage());
                }
                maxRedisLag = Math.max(maxRedisLag, redisLag);
                assertRedisFresh(name, writes, p);
            }
            assertThat(sawOutage).as("the outage was reported").isTrue();
            assertThat(maxBacklog).as("the Elasticsearch lane spilled to its backlog").isPositive();
            assertThat(sink(p, "search").state()).isEqualTo(PipelineStatus.LaneState.CATCHING_UP);

            proxy.accept();
            Thread.sleep(1_000);
            s.stopWriter();
            Map<Long, Long> table = tableValues(name);
            if (!within(p, Duration.ofSeconds(90), () -> esValues(name).equals(table))) {
                fail("Elasticsearch differs from the table after the outage:\n" + mismatch(name, table, writes, p));
            }
            await(p, "Redis equal to the table", () -> redisValues(name).equals(table));
            PipelineStatus.SinkStatus search = sink(p, "search");
            assertThat(search.deadLettered()).as("nothing dead-lettered").isZero();
            assertThat(search.failed()).isZero();
            assertThat(search.outage()).isEmpty();
            assertThat(work.resolve("state/dead-letter/search.jsonl")).satisfiesAnyOf(
                    f -> assertThat(f).doesNotExist(), f -> assertThat(f).isEmptyFile());
            System.out.printf("outage of %d s: %d updates, the Elasticsearch backlog held up to %d events, Redis was "
                    + "at most %d ms behind the writer%n", OUTAGE_SECONDS, writes.size(), maxBacklog, maxRedisLag);
        }
    }

    /**
     * {@code when-full: detach} with a small budget: the Elasticsearch lane is detached during the
     * outage, the slot's confirmed_flush_lsn moves past what Elasticsearch held while Redis stays
     * fresh, the sink is recorded and reported, and the next run skips it until it is re-attached.
     */
    @Test
    void aDetachedSinkLetsTheSlotAdvanceAndStaysReportedAcrossARestart() throws Exception {
        try (Streaming s = Streaming.start("sink_detach_", "{max-bytes: 8kb, when-full: detach}", "detach.yaml",
                work)) {
            String name = s.name;
            TcpProxy proxy = s.proxy;
            ConcurrentLinkedDeque<Write> writes = s.writes;
            Pipeline p = s.pipeline;
            s.writer.start();
            Thread.sleep(500);
            proxy.refuse();
            await(p, "the Elasticsearch lane detached", () -> sink(p, "search").detached().isPresent());
            PipelineStatus.Detached detached = sink(p, "search").detached().get();
            long held = PostgresPipelineIT.lsn(detached.position().offset("lsn"));
            await(p, "the slot moves past what Elasticsearch held", () -> PostgresPipelineIT.confirmedFlush(name) > held);
            assertRedisFresh(name, writes, p);
            assertThat(sink(p, "search").state()).isEqualTo(PipelineStatus.LaneState.DETACHED);
            assertThat(detached.reason()).contains("max-bytes");
            assertThat(p.state()).isEqualTo(PipelineState.RUNNING);
            s.stopWriter();
            p.stop();
            assertThat(p.awaitTermination(Duration.ofSeconds(30))).isTrue();

            proxy.accept();
            Pipeline again = Pipeline.fromYaml(s.yaml, "detach.yaml");
            s.pipeline = again;
            again.start();
            await(again, "the restarted pipeline running", () -> again.state() == PipelineState.RUNNING);
            assertThat(sink(again, "search").detached()).as("still detached, and said so").contains(detached);
            PostgresPipelineIT.exec("UPDATE " + name + " SET v = -1 WHERE id = 1");
            await(again, "Redis gets the update", () -> "-1".equals(redisValue(name, 1)));
            assertThat(esValues(name).get(1L)).as("the detached sink receives nothing").isNotEqualTo(-1L);
            again.stop();
            assertThat(again.awaitTermination(Duration.ofSeconds(30))).isTrue();
            assertThat(dev.cdc.core.runtime.DetachedSinks.reattach(again.spec(), "search")).isPresent();
            assertThat(work.resolve("state/detached/search.json")).doesNotExist();
        }
    }

    /**
     * A table of {@link #ROWS} rows streaming through a pipeline into Elasticsearch (behind a
     * {@link TcpProxy}) and Redis, its snapshot in both sinks, and a writer ready to start; closing
     * it stops the writer and the (last) pipeline, drops what the test made, then the proxy.
     */
    private static final class Streaming implements AutoCloseable {
        final String name;
        final TcpProxy proxy;
        final String yaml;
        final AtomicBoolean writing = new AtomicBoolean(true);
        final ConcurrentLinkedDeque<Write> writes = new ConcurrentLinkedDeque<>();
        final Thread writer;
        Pipeline pipeline;

        private Streaming(String name, TcpProxy proxy, String yaml) {
            this.name = name;
            this.proxy = proxy;
            this.yaml = yaml;
            this.writer = new Thread(() -> write(name, writing, writes), "writer");
        }

        /** {@code prefix} plus a random suffix names the table, slot, index and keys; {@code backlog} is the ES lane's. */
        static Streaming start(String prefix, String backlog, String file, Path work) throws Exception {
            Services.requireReachable(Service.POSTGRES);
            Services.requireReachable(Service.ELASTICSEARCH);
            Services.requireReachable(Service.REDIS);
            String name = prefix + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
            PostgresPipelineIT.exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, v bigint NOT NULL)",
                    "INSERT INTO " + name + " SELECT g, 0 FROM generate_series(1, " + ROWS + ") g");
            URI es = URI.create(Services.elasticsearchUrl());
            TcpProxy proxy = TcpProxy.start(es.getHost(), es.getPort());
            Streaming s = new Streaming(name, proxy, yaml(name, proxy.port(), backlog, work));
            try {
                s.pipeline = Pipeline.fromYaml(s.yaml, file);
                s.pipeline.start();
                Pipeline p = s.pipeline;
                await(p, "the snapshot in both sinks",
                        () -> esValues(name).size() == ROWS && redisValues(name).size() == ROWS);
                return s;
            } catch (Exception | AssertionError e) {
                s.close();
                throw e;
            }
        }

        void stopWriter() throws InterruptedException {
            writing.set(false);
            writer.join();
        }

        @Override
        public void close() throws Exception {
            try {
                tearDown(writing, writer, pipeline, name);
            } finally {
                proxy.close();
            }
        }
    }

    /**
     * Elasticsearch ({@code search}, at {@code esPort}, with the given backlog settings) and Redis
     * ({@code cache}). The source leaves logical decoding messages out ({@code messages: false}):
     * PostgreSQL hands every slot of the database the messages any session emits (other tests'
     * heartbeats, backfill watermarks), and the index template puts every table's rows into the
     * test's one index, so a foreign message became a document with fields of its own
     * ({@code prefix}, {@code content}: an {@code update_mapping}) and the index never equalled the
     * table (the soak's 1-in-4 mismatch).
     */
    static String yaml(String name, int esPort, String backlog, Path work) {
        return """
                pipeline: %1$s
                source: {type: postgres, url: "%2$s", user: postgres, slot: %1$s, tables: [public.%1$s], messages: false}
                sinks:
                  - {name: search, type: elasticsearch, hosts: ["http://127.0.0.1:%3$d"], index: "%1$s",
                     index-settings: {number_of_replicas: 0, refresh_interval: 1s}, on-failure: dead-letter,
                     retry: {max-attempts: 3, initial-backoff: 50ms, max-backoff: 500ms}, queue-capacity: 64,
                     backlog: %6$s}
                  - {name: cache, type: redis, uri: "%4$s", mode: hash, key-template: "%1$s:${key}",
                     metadata-prefix: "%1$s:meta:", on-failure: fail}
                checkpoint: {type: file, path: "%5$s"}
                engine: {checkpoint-interval: 100ms, flush-interval: 20ms}
                """.formatted(name, PostgresPipelineIT.URL, esPort, Services.redisUri(), work.resolve("state"), backlog);
    }

    /** Stops the writer and the pipeline, then drops what the test made. */
    static void tearDown(AtomicBoolean writing, Thread writer, Pipeline pipeline, String name) throws Exception {
        writing.set(false);
        if (writer.isAlive()) {
            writer.join();
        }
        if (pipeline != null) {
            pipeline.stop();
            pipeline.awaitTermination(Duration.ofSeconds(30));
        }
        cleanUp(name);
    }

    static void cleanUp(String name) throws Exception {
        PostgresPipelineIT.dropSlotPublicationAndTable(name, name);
        EsTestIndex.deleteAll(name);
        try (Jedis redis = new Jedis(URI.create(Services.redisUri()))) {
            for (String key : redis.keys(name + ":*")) {
                redis.del(key);
            }
        }
    }

    static String redisValue(String name, long id) {
        try (Jedis redis = new Jedis(URI.create(Services.redisUri()))) {
            return redis.hget(name + ":" + id, "v");
        }
    }

    /**
     * Every update the writer committed {@link #REDIS_BOUND} ago or earlier is in Redis (a later one of
     * its row may be too); a failure says what the pipeline reported meanwhile (the Redis lane's lag,
     * whether the source waited on a lane), to tell a stall of the engine from a starved machine.
     */
    static void assertRedisFresh(String name, ConcurrentLinkedDeque<Write> writes, Pipeline p) {
        long bound = System.nanoTime() - REDIS_BOUND.toNanos();
        Write due = null;
        for (Write w : writes) {
            if (w.nanos() <= bound) {
                due = w;
            }
        }
        if (due == null) {
            return;
        }
        try (Jedis redis = new Jedis(URI.create(Services.redisUri()))) {
            String v = redis.hget(name + ":" + due.id(), "v");
            long age = (System.nanoTime() - due.nanos()) / 1_000_000;
            assertThat(v == null ? -1 : Long.parseLong(v)).as("Redis holds the update of row %d committed %d ms ago "
                    + "(Redis lane: %s; the source waits on: %s; load average %.1f)", due.id(), age, sink(p, "cache"),
                    p.status().sourceWaitingOn().orElse("none"), java.lang.management.ManagementFactory
                            .getOperatingSystemMXBean().getSystemLoadAverage()).isGreaterThanOrEqualTo(due.v());
        }
    }

    /** How far Redis is behind the writer now: the age of the oldest update of the last 10 s it lacks; 0 if none. */
    static long redisLagMillis(String name, ConcurrentLinkedDeque<Write> writes) {
        long now = System.nanoTime();
        List<Write> recent = new ArrayList<>();
        for (Iterator<Write> it = writes.descendingIterator(); it.hasNext(); ) {
            Write w = it.next();
            if (now - w.nanos() > Duration.ofSeconds(10).toNanos()) {
                break;
            }
            recent.add(w);
        }
        Map<Long, Long> held = new HashMap<>();
        try (Jedis redis = new Jedis(URI.create(Services.redisUri()))) {
            for (Write w : recent) {
                held.computeIfAbsent(w.id(), id -> {
                    String v = redis.hget(name + ":" + id, "v");
                    return v == null ? -1 : Long.parseLong(v);
                });
            }
        }
        long lag = 0;
        for (Write w : recent) {
            if (held.get(w.id()) < w.v()) {
                lag = Math.max(lag, (now - w.nanos()) / 1_000_000);
            }
        }
        return lag;
    }

    static void write(String table, AtomicBoolean writing, ConcurrentLinkedDeque<Write> writes) {
        long v = 0;
        try (Connection c = PostgresPipelineIT.connect(); Statement st = c.createStatement()) {
            while (writing.get()) {
                long id = 1 + ThreadLocalRandom.current().nextLong(ROWS);
                v++;
                st.executeUpdate("UPDATE " + table + " SET v = " + v + " WHERE id = " + id);
                writes.add(new Write(System.nanoTime(), id, v));
                Thread.sleep(25);
            }
        } catch (Exception e) {
            throw new IllegalStateException("the writer failed", e);
        }
    }

    static PipelineStatus.SinkStatus sink(Pipeline p, String name) {
        return p.status().sinks().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    static Map<Long, Long> tableValues(String table) throws Exception {
        Map<Long, Long> out = new HashMap<>();
        try (Connection c = PostgresPipelineIT.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, v FROM " + table)) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** id -> v of every document of the index. */
    static Map<Long, Long> esValues(String index) {
        return EsTestIndex.named(index).longs("id", "v");
    }

    static Map<Long, Long> redisValues(String name) {
        Map<Long, Long> out = new HashMap<>();
        try (Jedis redis = new Jedis(URI.create(Services.redisUri()))) {
            for (long id = 1; id <= ROWS; id++) {
                String v = redis.hget(name + ":" + id, "v");
                if (v != null) {
                    out.put(id, Long.parseLong(v));
                }
            }
        }
        return out;
    }

    /** What {@link #await} waits for. */
    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    /**
     * What differs between Elasticsearch and the table, for a failure message: per differing id the
     * table's value, the document's _version (as commit LSN and event index), _seq_no and _source, the
     * Redis value and the writer's last updates of that id; then the index's mapping and the lanes.
     */
    static String mismatch(String name, Map<Long, Long> table, ConcurrentLinkedDeque<Write> writes,
                                   Pipeline p) throws Exception {
        StringBuilder out = new StringBuilder();
        Map<Long, Long> search = esValues(name);
        java.util.TreeSet<Long> ids = new java.util.TreeSet<>(table.keySet());
        ids.addAll(search.keySet());
        ids.removeIf(id -> java.util.Objects.equals(table.get(id), search.get(id)));
        out.append(ids.size()).append(" id(s) differ (of ").append(table.size()).append(" rows, ")
                .append(search.size()).append(" documents)\n");
        for (long id : ids.stream().limit(20).toList()) {
            JsonNode doc = EsTestIndex.named(name).document(id);
            long version = doc.path("_version").asLong(-1);
            out.append(" id ").append(id).append(": table ").append(table.get(id)).append(", redis ")
                    .append(redisValue(name, id)).append(", es _version ").append(version)
                    .append(" (lsn ").append(Long.toHexString(version >>> 20 >>> 32).toUpperCase()).append('/')
                    .append(Long.toHexString((version >>> 20) & 0xffffffffL).toUpperCase()).append(" index ")
                    .append(version & 0xfffff).append("), _seq_no ").append(doc.path("_seq_no"))
                    .append(", _source ").append(doc.path("_source")).append("\n   last writes:");
            writes.stream().filter(w -> w.id() == id).skip(Math.max(0, writes.stream()
                    .filter(w -> w.id() == id).count() - 4)).forEach(w -> out.append(' ').append(w.v()));
            out.append('\n');
        }
        JsonNode strangers = EsTestIndex.request("POST", "/" + name + "/_search?size=5&q=NOT%20_exists_:id", null)
                .path("hits");
        out.append("documents without an id field: ").append(strangers.path("total").path("value")).append(' ')
                .append(strangers.path("hits")).append('\n');
        out.append("mapping: ").append(EsTestIndex.request("GET", "/" + name + "/_mapping", null)).append('\n');
        out.append("status: ").append(p.status()).append('\n');
        return out.toString();
    }

    static boolean within(Pipeline p, Duration limit, Condition condition) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.holds()) {
            if (p.state().isTerminal() || System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(250);
        }
        return true;
    }

    static void await(Pipeline p, String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.holds()) {
            if (p.state().isTerminal() || System.nanoTime() > deadline) {
                fail("waiting for " + what + ": pipeline " + p.state() + " " + p.status());
            }
            Thread.sleep(250);
        }
    }
}
