package dev.cdc.source.jdbc.bench;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.source.jdbc.JdbcTriggerSourceFactory;
import dev.cdc.testkit.source.BackfillBenchContext;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * jdbc-trigger's backfill rate vs its initial snapshot rate of the same table, same run
 * (scripts/bench-jdbc-backfill.sh): a table of N rows (default 1,000,000) is read (1) by the
 * source's initial snapshot ({@code snapshot-mode: initial-only}, its defaults) and (2) by a
 * backfill (chunks between watermark rows of the change log) while the source streams a small
 * load (a writer updating random rows of the table at a fixed rate, one per transaction), both into
 * a counting context; prints both rates of rows read (from the end of {@code open} to the last row)
 * and their ratio. Arguments: [rows] [backfill-chunk-size] [updates per second] [postgresql|mariadb]
 * (defaults 1000000 4096 200 postgresql), on the servers of scripts/services.sh.
 */
public final class JdbcBackfillBench {

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int chunk = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        boolean pg = args.length <= 3 || args[3].equals("postgresql");
        String url = pg ? "jdbc:postgresql://127.0.0.1:5432/test" : "jdbc:mariadb://127.0.0.1:3306/test";
        String user = pg ? "postgres" : "root";
        String ns = pg ? "public" : "test";
        String name = "bench_jbf_" + ProcessHandle.current().pid();
        String log = "cl_" + name;
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + name + " (id bigint PRIMARY KEY, name varchar(200), amount decimal(12,2), v int)");
            s.execute(pg ? "INSERT INTO " + name + " SELECT g, 'name-' || g, (g % 100000) + 0.25, 0 FROM"
                    + " generate_series(1, " + rows + ") g" : "INSERT INTO " + name + " SELECT seq, CONCAT('name-', seq),"
                    + " (seq % 100000) + 0.25, 0 FROM seq_1_to_" + rows);
            s.execute(pg ? "ANALYZE " + name : "ANALYZE TABLE " + name);
        }
        try {
            BackfillBenchContext snapshot = new BackfillBenchContext(Optional.empty());
            Source initial = source(url, user, ns, name, log, "initial-only", chunk);
            initial.open(snapshot); // creates the change log and triggers: not timed, as the backfill's open is not
            long t0 = System.nanoTime();
            initial.run(snapshot);
            double snapshotSeconds = (System.nanoTime() - t0) / 1e9;
            initial.close();

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            Thread writer = new Thread(() -> write(url, user, name, rows, rate, stop, writes), "writer");
            BackfillBenchContext backfill = new BackfillBenchContext(Optional.of(BackfillRequest.table("bench",
                    TableId.of(ns, name))));
            writer.start();
            Source streaming = source(url, user, ns, name, log, "never", chunk);
            streaming.open(backfill);
            long b0 = System.nanoTime();
            long w0 = writes.get();
            backfill.start();
            streaming.run(backfill);
            double backfillSeconds = (System.nanoTime() - b0) / 1e9;
            long loaded = writes.get() - w0;
            stop.set(true);
            writer.join();
            streaming.close();

            double snapshotRate = snapshot.reads() / snapshotSeconds;
            double backfillRate = backfill.reads() / backfillSeconds;
            System.out.printf("jdbc-trigger on %s, %,d rows%n", pg ? "PostgreSQL" : "MariaDB", rows);
            System.out.printf("initial snapshot:              %,d rows in %.2f s (%,.0f rows/s)%n", snapshot.reads(),
                    snapshotSeconds, snapshotRate);
            System.out.printf("backfill under streaming load: %,d rows in %.2f s (%,.0f rows/s), chunk %d; %,d updates"
                    + " (%.0f/s) streamed meanwhile (%,d change events)%n", backfill.reads(), backfillSeconds, backfillRate,
                    chunk, loaded, loaded / backfillSeconds, backfill.streamed());
            System.out.printf("ratio backfill / snapshot: %.2f%n", backfillRate / snapshotRate);
        } finally {
            try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + name);
                if (pg) {
                    s.execute("DROP FUNCTION IF EXISTS " + log + "_capture() CASCADE");
                    s.execute("DROP TABLE IF EXISTS " + log + "_batches");
                }
                s.execute("DROP TABLE IF EXISTS " + log);
            }
        }
    }

    private static Source source(String url, String user, String ns, String name, String log, String mode, int chunk) {
        Map<String, Object> raw = new HashMap<>(Map.of("url", url, "user", user, "tables", List.of(ns + "\\." + name),
                "change-log", log, "snapshot-mode", mode, "backfill-chunk-size", chunk, "poll-interval", "20ms"));
        JdbcTriggerSourceFactory f = new JdbcTriggerSourceFactory();
        return f.create(PluginContext.of(Configuration.of(f.options(), raw), "bench", "source"));
    }

    /** Updates random rows, one per transaction, at about {@code rate} per second. */
    private static void write(String url, String user, String table, int rows, int rate, AtomicBoolean stop,
                              AtomicLong writes) {
        try (Connection c = DriverManager.getConnection(url, user, "");
             PreparedStatement upd = c.prepareStatement("UPDATE " + table + " SET v = v + 1 WHERE id = ?")) {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            long start = System.nanoTime();
            while (!stop.get()) {
                upd.setLong(1, 1 + rnd.nextInt(rows));
                upd.executeUpdate();
                long n = writes.incrementAndGet();
                long due = start + n * 1_000_000_000L / Math.max(1, rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
