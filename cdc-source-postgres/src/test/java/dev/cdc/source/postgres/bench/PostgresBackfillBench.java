package dev.cdc.source.postgres.bench;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.source.postgres.PostgresSourceFactory;
import dev.cdc.testkit.source.BackfillBenchContext;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Backfill rate vs snapshot rate of the same table, same run: a table of N rows (default
 * 1,000,000) is read (1) by the source's initial snapshot ({@code snapshot-mode: initial-only},
 * its defaults) and (2) by a backfill while the source streams a concurrent load (a writer
 * updating random rows of the table, one per transaction, as fast as it can), both into a
 * counting context; prints both rates of rows read (from the end of {@code open}, which creates
 * the slot, to the last row) and their ratio (target >= 0.8). Run by
 * scripts/bench-backfill.sh. Arguments: [rows] [backfill-chunk-size].
 */
public final class PostgresBackfillBench {

    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int chunk = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        String name = "bench_bf_" + ProcessHandle.current().pid();
        try (Connection c = DriverManager.getConnection(URL, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + name + " (id bigint PRIMARY KEY, name text, amount numeric(12,2), v int)");
            s.execute("INSERT INTO " + name + " SELECT g, 'name-' || g, (g % 100000) + 0.25, 0 FROM generate_series(1, "
                    + rows + ") g");
            s.execute("ANALYZE " + name);
            s.execute("CREATE PUBLICATION " + name + " FOR TABLE " + name);
        }
        try {
            // (1) the initial snapshot
            Counting snapshot = new Counting(rows, null);
            Source initial = source(name, name + "_snap", "initial-only", chunk);
            initial.open(snapshot); // creates the slot: not timed, as the backfill's open is not
            long t0 = System.nanoTime();
            snapshot.start();
            initial.run(snapshot);
            double snapshotSeconds = (System.nanoTime() - t0) / 1e9;
            initial.close();

            // (2) a backfill while streaming a concurrent load
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            Thread writer = new Thread(() -> write(name, rows, stop, writes), "writer");
            BackfillRequest request = BackfillRequest.table("bench", TableId.of("public", name));
            Counting backfill = new Counting(rows, request);
            writer.start();
            Source streaming = source(name, name + "_bf", "never", chunk);
            streaming.open(backfill);
            long b0 = System.nanoTime();
            backfill.start();
            streaming.run(backfill);
            double backfillSeconds = (System.nanoTime() - b0) / 1e9;
            stop.set(true);
            writer.join();
            streaming.close();

            double snapshotRate = snapshot.reads() / snapshotSeconds;
            double backfillRate = backfill.reads() / backfillSeconds;
            System.out.printf("initial snapshot:              %,d rows in %.2f s (%,.0f rows/s)%n", snapshot.reads(),
                    snapshotSeconds, snapshotRate);
            System.out.printf("backfill under streaming load: %,d rows in %.2f s (%,.0f rows/s), chunk %d; %,d concurrent "
                    + "updates streamed meanwhile (%,d change events)%n", backfill.reads(), backfillSeconds, backfillRate,
                    chunk, writes.get(), backfill.streamed());
            System.out.printf("ratio backfill / snapshot: %.2f%n", backfillRate / snapshotRate);
        } finally {
            try (Connection c = DriverManager.getConnection(URL, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name IN ('"
                        + name + "_snap', '" + name + "_snap_initial', '" + name + "_bf') AND NOT active");
                s.execute("DROP PUBLICATION IF EXISTS " + name);
                s.execute("DROP TABLE IF EXISTS " + name);
            }
        }
    }

    private static Source source(String name, String slot, String mode, int chunk) {
        Map<String, Object> raw = new HashMap<>(Map.of("url", URL, "user", "postgres", "slot", slot,
                "publication", name, "tables", "public." + name, "snapshot-mode", mode, "messages", false,
                "backfill-chunk-size", chunk));
        PostgresSourceFactory f = new PostgresSourceFactory();
        return f.create(PluginContext.of(Configuration.of(f.options(), raw), "bench", "source"));
    }

    private static void write(String table, int rows, AtomicBoolean stop, AtomicLong writes) {
        try (Connection c = DriverManager.getConnection(URL, "postgres", "");
             PreparedStatement upd = c.prepareStatement("UPDATE " + table + " SET v = v + 1 WHERE id = ?")) {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (!stop.get()) {
                upd.setLong(1, 1 + rnd.nextInt(rows));
                upd.executeUpdate();
                writes.incrementAndGet();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts READ rows (and other change events); stops once the snapshot or the backfill is done. */
    private static final class Counting extends BackfillBenchContext {
        private final long rows;
        private final boolean snapshot;

        Counting(long rows, BackfillRequest request) {
            super(Optional.ofNullable(request));
            this.rows = rows;
            this.snapshot = request == null;
        }

        @Override
        public boolean isStopping() {
            return snapshot ? reads() >= rows : super.isStopping();
        }
    }
}
