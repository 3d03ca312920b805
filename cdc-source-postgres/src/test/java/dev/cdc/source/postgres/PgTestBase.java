package dev.cdc.source.postgres;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.Source;
import dev.cdc.testkit.fixture.TestPluginContext;
import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.source.RecordingSourceContext;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** A unique slot, publication and table prefix per test; sources run on testkit runners; all cleaned up. */
abstract class PgTestBase {

    protected TestTarget target;
    protected String slot;
    protected final List<SourceRunner> runners = new ArrayList<>();
    protected final List<String> tables = new ArrayList<>();

    @BeforeEach
    void createTarget() {
        target = TestTarget.create();
        slot = target.name();
    }

    @AfterEach
    void cleanUpTarget() throws Exception {
        for (SourceRunner r : runners) {
            r.close();
        }
        Pg.dropSlotAndPublication(slot, slot);
        Pg.dropSlotAndPublication(slot + "_initial", slot);
        for (String t : tables) {
            Pg.exec("DROP TABLE IF EXISTS " + t + " CASCADE");
        }
        target.deleteDirectory();
    }

    /** Creates {@code public.<target>_<suffix>} with the given column definitions; returns its name. */
    protected String table(String suffix, String definition) throws Exception {
        String name = target.name(suffix);
        tables.add(name);
        Pg.exec("DROP TABLE IF EXISTS " + name, "CREATE TABLE " + name + " (" + definition + ")");
        return name;
    }

    protected Map<String, Object> options(Object... more) {
        Map<String, Object> o = new HashMap<>();
        o.put("url", PgDriver.url());
        o.put("slot", slot);
        o.put("tables", "public." + target.name() + "_.*");
        for (int i = 0; i < more.length; i += 2) {
            o.put((String) more[i], more[i + 1]);
        }
        return o;
    }

    protected Source newSource(Map<String, Object> options) {
        PostgresSourceFactory f = new PostgresSourceFactory();
        return f.create(TestPluginContext.bind(f, options, target, "source"));
    }

    protected SourceRunner start(Map<String, Object> options, Optional<Position> resume) throws Exception {
        RecordingSourceContext context = new RecordingSourceContext("it", resume);
        SourceRunner r = SourceRunner.start(newSource(options), context, Duration.ofSeconds(60), Duration.ofSeconds(10));
        runners.add(r);
        return r;
    }

    /** Applies events to a map id -> row, as a sink that upserts and deletes by key would. */
    protected static Map<Object, Row> fold(List<ChangeEvent> events) {
        Map<Object, Row> state = new TreeMap<>();
        for (ChangeEvent e : events) {
            Object id = e.key().get("id");
            switch (e.operation()) {
                case CREATE, READ, UPDATE -> state.put(id, e.after().orElseThrow());
                case DELETE -> state.remove(id);
                case TRUNCATE -> state.clear();
                default -> throw new AssertionError(e);
            }
        }
        return state;
    }

    protected static List<ChangeEvent> of(SourceRunner r, String table) {
        return r.context().changeEvents().stream().filter(e -> e.table().name().equals(table)).toList();
    }

    protected static long count(SourceRunner r, String table, Operation op) {
        return of(r, table).stream().filter(e -> e.operation() == op).count();
    }

    protected static Map<Object, Row> tableState(String table) throws Exception {
        Map<Object, Row> state = new TreeMap<>();
        for (Map<String, Object> row : Pg.query("SELECT id, v FROM " + table)) {
            state.put(((Number) row.get("id")).longValue(), Row.of("id", ((Number) row.get("id")).longValue(),
                    "v", ((Number) row.get("v")).longValue()));
        }
        return state;
    }

    protected static void await(String what, java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Starts a {@link #write} thread per table. */
    protected static List<Thread> startWriters(List<String> tables, AtomicBoolean stop, AtomicLong writes,
                                               long existing) {
        List<Thread> writers = new ArrayList<>();
        for (String t : tables) {
            Thread w = new Thread(() -> write(t, stop, writes, existing));
            writers.add(w);
            w.start();
        }
        return writers;
    }

    protected static void stopWriters(List<Thread> writers, AtomicBoolean stop) throws InterruptedException {
        stop.set(true);
        for (Thread w : writers) {
            w.join();
        }
    }

    /** Inserts, updates and deletes, each in its own transaction, until told to stop. */
    protected static void write(String t, AtomicBoolean stop, AtomicLong writes, long existing) {
        try (Connection c = Pg.connect();
             PreparedStatement ins = c.prepareStatement("INSERT INTO " + t + " VALUES (?, 0)");
             PreparedStatement upd = c.prepareStatement("UPDATE " + t + " SET v = v + 1 WHERE id = ?");
             PreparedStatement del = c.prepareStatement("DELETE FROM " + t + " WHERE id = ?")) {
            long next = existing + 1;
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (!stop.get()) {
                switch (rnd.nextInt(3)) {
                    case 0 -> {
                        ins.setLong(1, next++);
                        ins.executeUpdate();
                    }
                    case 1 -> {
                        upd.setLong(1, 1 + rnd.nextLong(next - 1));
                        upd.executeUpdate();
                    }
                    default -> {
                        del.setLong(1, 1 + rnd.nextLong(next - 1));
                        del.executeUpdate();
                    }
                }
                writes.incrementAndGet();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The index of the row with primary key {@code id} in {@code stream}. */
    protected static int rowIndex(List<StreamEvent> stream, long id) {
        for (int i = 0; i < stream.size(); i++) {
            if (stream.get(i) instanceof ChangeEvent c && Long.valueOf(id).equals(c.key().get("id"))) {
                return i;
            }
        }
        throw new AssertionError("no row " + id + " in " + stream);
    }

    /** The one schema change between events {@code from} and {@code to}. */
    protected static SchemaChangeEvent schemaChangeBetween(List<StreamEvent> stream, int from, int to) {
        List<SchemaChangeEvent> between = stream.subList(from + 1, to).stream()
                .filter(SchemaChangeEvent.class::isInstance).map(SchemaChangeEvent.class::cast).toList();
        assertThat(between).as("one schema change between events %d and %d of %s", from, to, stream).hasSize(1);
        return between.get(0);
    }
}
