package dev.cdc.source.mysql.bench;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.source.mysql.MySqlSourceFactory;
import dev.cdc.testkit.source.BackfillBenchContext;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The backfill rate of the mysql source under a streaming load against its initial snapshot rate,
 * same table, same run: a table of N rows (argument, default 1,000,000) is read once by a snapshot
 * ({@code snapshot-mode: initial-only}, one worker) and once by a backfill while a writer updates
 * random rows; both into a counting context. Prints both rates and their ratio (target >= 0.8).
 * Run by {@code scripts/bench-mysql-backfill.sh}.
 */
public final class MySqlBackfillBench {

    private static final String URL = "jdbc:mariadb://127.0.0.1:3306/test";

    private MySqlBackfillBench() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String table = "bench_backfill_" + ProcessHandle.current().pid();
        try (Connection c = DriverManager.getConnection(URL, "root", ""); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name VARCHAR(40), amount DECIMAL(12,2),"
                    + " v INT)");
            s.execute("INSERT INTO " + table + " SELECT seq, CONCAT('name-', seq), seq % 100000 + 0.25, 0 FROM seq_1_to_"
                    + rows);
            s.execute("ANALYZE TABLE " + table);
        }
        try {
            Map<String, Object> base = new HashMap<>(Map.of("host", "127.0.0.1", "port", 3306, "user", "root",
                    "database", "test", "tables", table, "snapshot-parallelism", 1));
            Map<String, Object> snap = new HashMap<>(base);
            snap.put("server-id", 7900L);
            snap.put("snapshot-mode", "initial-only");
            Counting snapshot = new Counting(Optional.empty());
            double snapshotSeconds = run(snap, snapshot, () -> false);
            Map<String, Object> bf = new HashMap<>(base);
            bf.put("server-id", 7901L);
            bf.put("snapshot-mode", "never");
            BackfillRequest request = BackfillRequest.table("bench", TableId.of("test", table));
            Counting backfill = new Counting(Optional.of(request));
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong writes = new AtomicLong();
            Thread writer = new Thread(() -> write(table, rows, writing, writes), "writer");
            writer.start();
            double backfillSeconds;
            try {
                backfillSeconds = run(bf, backfill, backfill::finished);
            } finally {
                writing.set(false);
                writer.join();
            }
            double snapshotRate = snapshot.reads() / snapshotSeconds;
            double backfillRate = backfill.reads() / backfillSeconds;
            System.out.printf("snapshot: %,d rows in %.2f s (%,.0f rows/s)%n", snapshot.reads(), snapshotSeconds,
                    snapshotRate);
            System.out.printf("backfill: %,d rows in %.2f s (%,.0f rows/s) while a writer committed %,d updates"
                    + " (%,.0f/s, %,d streamed changes), %d chunks%n", backfill.reads(), backfillSeconds, backfillRate,
                    writes.get(), writes.get() / backfillSeconds, backfill.streamed(), backfill.chunks());
            System.out.printf("ratio backfill/snapshot: %.2f (target >= 0.8)%n", backfillRate / snapshotRate);
        } finally {
            try (Connection c = DriverManager.getConnection(URL, "root", ""); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }

    /** Opens and runs a source until it returns or {@code done}; returns the seconds from open to the end. */
    private static double run(Map<String, Object> options, Counting ctx, java.util.function.BooleanSupplier done)
            throws Exception {
        MySqlSourceFactory f = new MySqlSourceFactory();
        ctx.stop = done;
        try (Source source = f.create(PluginContext.of(Configuration.of(f.options(), options), "bench", "source"))) {
            long t0 = System.nanoTime();
            ctx.start();
            source.open(ctx);
            source.run(ctx);
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static void write(String table, int rows, AtomicBoolean writing, AtomicLong writes) {
        try (Connection c = DriverManager.getConnection(URL, "root", ""); Statement s = c.createStatement()) {
            while (writing.get()) {
                s.executeUpdate("UPDATE " + table + " SET v = v + 1 WHERE id = "
                        + (1 + ThreadLocalRandom.current().nextInt(rows)));
                writes.incrementAndGet();
            }
        } catch (Exception e) {
            throw new IllegalStateException("the writer failed", e);
        }
    }

    /** Counts READ and other change events; lists one backfill until its last chunk, stops when told. */
    private static final class Counting extends BackfillBenchContext {
        java.util.function.BooleanSupplier stop = () -> false;

        Counting(Optional<BackfillRequest> request) {
            super(request);
        }

        @Override
        public boolean isStopping() {
            return stop.getAsBoolean();
        }
    }
}
