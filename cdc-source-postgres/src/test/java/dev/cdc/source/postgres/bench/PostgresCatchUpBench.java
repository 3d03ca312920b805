package dev.cdc.source.postgres.bench;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.source.postgres.PostgresSourceFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Catch-up throughput: creates a publication and two slots (one for the source, one for
 * {@code pg_recvlogical}), writes 1,000,000 inserts (transactions of 1,000), 500,000 updates and
 * 200,000 deletes on one table, then reads the workload with {@code pg_recvlogical} (pgoutput,
 * protocol 1, to /dev/null, up to the LSN after the workload) and with the source (snapshot-mode
 * never, from its slot) into a counting context until every row event arrived, and prints both
 * rates and their ratio. Run by scripts/bench-postgres.sh. Arguments: [inserts] (default 1000000).
 */
public final class PostgresCatchUpBench {

    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String PG_RECVLOGICAL = "/usr/lib/postgresql/15/bin/pg_recvlogical";

    public static void main(String[] args) throws Exception {
        int inserts = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int updates = inserts / 2;
        int deletes = inserts / 5;
        String name = "bench_pg_" + ProcessHandle.current().pid();
        String table = name;
        String sourceSlot = name + "_src";
        String rawSlot = name + "_raw";
        String endLsn;
        try (Connection c = DriverManager.getConnection(URL, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text, amount numeric(12,2), v int)");
            s.execute("CREATE PUBLICATION " + name + " FOR TABLE " + table);
            s.execute("SELECT pg_create_logical_replication_slot('" + sourceSlot + "', 'pgoutput')");
            s.execute("SELECT pg_create_logical_replication_slot('" + rawSlot + "', 'pgoutput')");
            long t0 = System.nanoTime();
            for (int base = 0; base < inserts; base += 1000) {
                s.execute("INSERT INTO " + table + " SELECT g, 'name-' || g, (g % 100000) + 0.25, 0 FROM generate_series("
                        + (base + 1) + ", " + (base + 1000) + ") g");
            }
            for (int base = 0; base < updates; base += 1000) {
                s.execute("UPDATE " + table + " SET v = v + 1, name = name || 'u' WHERE id > " + base + " AND id <= "
                        + (base + 1000));
            }
            for (int base = 0; base < deletes; base += 1000) {
                s.execute("DELETE FROM " + table + " WHERE id > " + (inserts - base - 1000) + " AND id <= "
                        + (inserts - base));
            }
            try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
                rs.next();
                endLsn = rs.getString(1);
            }
            System.out.printf("wrote %,d inserts, %,d updates, %,d deletes in %.1f s; WAL end %s%n", inserts, updates,
                    deletes, (System.nanoTime() - t0) / 1e9, endLsn);
        }
        long expected = (long) inserts + updates + deletes;
        try {
            // the raw reader
            long r0 = System.nanoTime();
            Process p = new ProcessBuilder(PG_RECVLOGICAL, "-h", "127.0.0.1", "-U", "postgres", "-d", "test",
                    "--slot", rawSlot, "--start", "--endpos", endLsn, "-o", "proto_version=1",
                    "-o", "publication_names=" + name, "-f", "/dev/null")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            int exit = p.waitFor();
            double rawSeconds = (System.nanoTime() - r0) / 1e9;
            if (exit != 0) {
                throw new IllegalStateException("pg_recvlogical exited with " + exit);
            }

            // the source
            Map<String, Object> raw = new HashMap<>(Map.of("url", URL, "user", "postgres", "slot", sourceSlot,
                    "publication", name, "tables", "public." + table, "snapshot-mode", "never", "messages", false));
            PostgresSourceFactory f = new PostgresSourceFactory();
            Source source = f.create(PluginContext.of(Configuration.of(f.options(), raw), "bench", "source"));
            Counting ctx = new Counting(expected);
            long s0 = System.nanoTime();
            source.open(ctx);
            source.run(ctx);
            double sourceSeconds = (System.nanoTime() - s0) / 1e9;
            source.close();

            double rawRate = expected / rawSeconds;
            double sourceRate = ctx.count / sourceSeconds;
            System.out.printf("pg_recvlogical (pgoutput proto 1, to /dev/null): %.2f s (%,.0f row events/s)%n",
                    rawSeconds, rawRate);
            System.out.printf("cdc postgres source (counting context):        %.2f s (%,d events, %,.0f events/s)%n",
                    sourceSeconds, ctx.count, sourceRate);
            System.out.printf("ratio source / pg_recvlogical: %.2f%n", sourceRate / rawRate);
        } finally {
            try (Connection c = DriverManager.getConnection(URL, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name IN ('"
                        + sourceSlot + "', '" + rawSlot + "') AND NOT active");
                s.execute("DROP PUBLICATION IF EXISTS " + name);
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }

    /** Counts change events and asks the source to stop once all arrived. */
    private static final class Counting extends BenchContext {
        private final long expected;
        volatile long count;

        Counting(long expected) {
            this.expected = expected;
        }

        @Override
        public void emit(List<? extends StreamEvent> events) {
            long n = count;
            for (StreamEvent e : events) {
                if (e instanceof ChangeEvent) {
                    n++;
                }
            }
            count = n;
        }

        @Override
        public boolean isStopping() {
            return count >= expected;
        }
    }
}
