package dev.cdc.source.postgres;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.testkit.source.SourceRunner;
import dev.cdc.testkit.fixture.PrivatePostgres;
import org.junit.jupiter.api.AfterAll;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tests against a PostgreSQL server of their own ({@link PrivatePostgres}), for what must not be
 * done to the shared server: restarting it, or settings such as {@code wal_sender_timeout}. Each
 * test class starts its server once ({@link #startServer}); the tables, slot and publication of a
 * test are unique as in {@link PgTestBase}.
 */
abstract class PrivatePgTestBase extends PgTestBase {

    protected static PrivatePostgres server;

    /** Starts this class's server (call from a {@code @BeforeAll}). */
    protected static void startServer(String name, Map<String, String> settings, String... initdbArgs) {
        server = PrivatePostgres.start(name + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()), settings,
                initdbArgs);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The source options of {@link PgTestBase#options} on this class's server. */
    protected Map<String, Object> privateOptions(Object... more) {
        Map<String, Object> o = options(more);
        o.put("url", server.jdbcUrl());
        o.put("user", server.user());
        return o;
    }

    /** Creates {@code public.<target>_<suffix>} on this class's server; returns its name. */
    protected String privateTable(String suffix, String definition) throws SQLException {
        String name = target.name(suffix);
        exec("CREATE TABLE " + name + " (" + definition + ")");
        return name;
    }

    protected static Connection connect() throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(), server.user(), "");
    }

    protected static void exec(String... sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /** The first column of the first row, or empty when there is no row or it is null. */
    protected static Optional<Object> value(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? Optional.ofNullable(rs.getObject(1)) : Optional.empty();
        }
    }

    /** The events of a source run that was stopped, and the checkpoint it committed. */
    protected record StoppedRun(List<ChangeEvent> events, Position checkpoint) {
    }

    /**
     * Inserts rows 1 to {@code rows} into {@code t}, snapshots them, streams a few updates, commits a
     * checkpoint at the last event; then the source stops and its walsender is gone.
     */
    protected StoppedRun snapshotStreamAndStop(String t, int rows, Map<String, Object> options) throws Exception {
        exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(1, " + rows + ") g");
        SourceRunner r = start(options, Optional.empty());
        await("the snapshot", () -> count(r, t, Operation.READ) == rows, Duration.ofSeconds(120));
        exec("UPDATE " + t + " SET v = v + 1 WHERE id <= 5");
        await("the stream", () -> count(r, t, Operation.UPDATE) == 5, Duration.ofSeconds(120));
        List<ChangeEvent> events = of(r, t);
        Position checkpoint = events.get(events.size() - 1).position();
        r.source().commit(checkpoint);
        Thread.sleep(1500);
        r.close();
        runners.remove(r);
        awaitWalsenderGone();
        return new StoppedRun(events, checkpoint);
    }

    /** Until no walsender uses the slot (a closed source's walsender may take a moment to notice). */
    protected void awaitWalsenderGone() throws InterruptedException {
        await("the walsender gone", () -> {
            try {
                return activePid().isEmpty();
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(20));
    }

    /** The slot's walsender pid, empty when no walsender uses it. */
    protected Optional<Integer> activePid() throws SQLException {
        return value("SELECT active_pid FROM pg_replication_slots WHERE slot_name = '" + slot + "'")
                .map(v -> ((Number) v).intValue());
    }

    /** The slot's confirmed_flush_lsn as a number, or -1. */
    protected long confirmedFlush() throws SQLException {
        return value("SELECT (confirmed_flush_lsn - '0/0')::bigint FROM pg_replication_slots WHERE slot_name = '"
                + slot + "'").map(v -> ((Number) v).longValue()).orElse(-1L);
    }

    /** id -> (id, v) of every row of a table with columns id and v. */
    protected static Map<Object, Row> privateTableState(String table) throws SQLException {
        Map<Object, Row> state = new TreeMap<>();
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, v FROM " + table)) {
            while (rs.next()) {
                state.put(rs.getLong(1), Row.of("id", rs.getLong(1), "v", rs.getLong(2)));
            }
        }
        return state;
    }

    /**
     * Inserts a row and updates an earlier one per transaction until told to stop, riding out the
     * server's restarts: a failed statement (server away) is retried on a new connection, and a
     * row is counted only once its transaction committed.
     */
    protected static Thread startWriter(String table, AtomicBoolean writing, AtomicLong committed) {
        Thread w = new Thread(() -> {
            Connection c = null;
            long next = 1;
            while (writing.get()) {
                try {
                    if (c == null) {
                        c = connect();
                    }
                    try (Statement st = c.createStatement()) {
                        st.execute("INSERT INTO " + table + " VALUES (" + next + ", 0) ON CONFLICT (id) DO NOTHING;"
                                + "UPDATE " + table + " SET v = v + 1 WHERE id = " + (1 + next / 2));
                    }
                    next++;
                    committed.set(next - 1);
                    Thread.sleep(5);
                } catch (SQLException e) {
                    closeQuietly(c);
                    c = null;
                    sleepQuietly(100);
                } catch (InterruptedException e) {
                    break;
                }
            }
            closeQuietly(c);
        }, "writer-" + table);
        w.start();
        return w;
    }

    private static void closeQuietly(Connection c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // the server is away
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Options as a map built from name/value pairs. */
    protected static Map<String, String> settings(String... pairs) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
