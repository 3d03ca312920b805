package dev.cdc.source.mysql.bench;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.source.mysql.MySqlSourceFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Catch-up throughput: writes 1,000,000 inserts (transactions of 1,000), 500,000 updates and
 * 200,000 deletes, then reads that binlog range with the source into a counting context and
 * with {@code mariadb-binlog --read-from-remote-server} to /dev/null, and prints both rates.
 * Run by scripts/bench-mysql.sh. Arguments: [inserts] (default 1000000).
 */
public final class MySqlCatchUpBench {

    public static void main(String[] args) throws Exception {
        int inserts = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int updates = inserts / 2;
        int deletes = inserts / 5;
        String table = "bench_catchup_" + ProcessHandle.current().pid();
        String url = "jdbc:mariadb://127.0.0.1:3306/test";
        String[] start;
        String[] end;
        List<String> files = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "root", ""); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name VARCHAR(40), amount DECIMAL(12,2), v INT)");
            start = status(s);
            long t0 = System.nanoTime();
            for (int base = 0; base < inserts; base += 1000) {
                StringBuilder sb = new StringBuilder("INSERT INTO " + table + " VALUES ");
                for (int i = 1; i <= 1000; i++) {
                    long id = base + i;
                    sb.append(i > 1 ? "," : "").append('(').append(id).append(",'name-").append(id).append("',")
                            .append(id % 100000).append(".25,0)");
                }
                s.execute(sb.toString());
            }
            for (int base = 0; base < updates; base += 1000) {
                s.execute("UPDATE " + table + " SET v = v + 1, name = CONCAT(name, 'u') WHERE id > " + base
                        + " AND id <= " + (base + 1000));
            }
            for (int base = 0; base < deletes; base += 1000) {
                s.execute("DELETE FROM " + table + " WHERE id > " + (inserts - base - 1000) + " AND id <= "
                        + (inserts - base));
            }
            end = status(s);
            System.out.printf("wrote %,d inserts, %,d updates, %,d deletes in %.1f s; binlog %s:%s .. %s:%s%n",
                    inserts, updates, deletes, (System.nanoTime() - t0) / 1e9, start[0], start[1], end[0], end[1]);
            try (ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
                while (rs.next()) {
                    String f = rs.getString(1);
                    if (f.compareTo(start[0]) >= 0 && f.compareTo(end[0]) <= 0) {
                        files.add(f);
                    }
                }
            }
        }
        long expected = (long) inserts + updates + deletes;

        // the raw reader: once copying events (no row decoding), once decoding every row (--verbose)
        double rawSeconds = rawReader(start, end, files, false);
        double decodingSeconds = rawReader(start, end, files, true);

        // the source
        Map<String, Object> raw = new HashMap<>(Map.of("host", "127.0.0.1", "port", 3306, "user", "root",
                "database", "test", "tables", table, "server-id", 7777L, "snapshot-mode", "never"));
        MySqlSourceFactory f = new MySqlSourceFactory();
        Source source = f.create(PluginContext.of(Configuration.of(f.options(), raw), "bench", "source"));
        Position from = Position.of(Map.of("file", start[0], "pos", start[1], "row", "0"), "");
        if (Boolean.getBoolean("bench.warmup")) {
            // -Dbench.warmup=true: read the range once untimed first, so the timed pass runs JIT-compiled code
            Counting warm = new Counting(from, expected);
            Source w = f.create(PluginContext.of(Configuration.of(f.options(), raw), "bench", "source"));
            w.open(warm);
            w.run(warm);
            w.close();
        }
        Counting ctx = new Counting(from, expected);
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long s0 = System.nanoTime();
        source.open(ctx);
        long opened = System.nanoTime();
        source.run(ctx);
        double sourceSeconds = (System.nanoTime() - s0) / 1e9;
        source.close();
        System.out.printf("source: open %.2f s, first event after %.2f s, last after %.2f s, process CPU %.2f s%n",
                (opened - s0) / 1e9, (ctx.first - s0) / 1e9, (ctx.last - s0) / 1e9, (os.getProcessCpuTime() - cpu0) / 1e9);

        double rawRate = expected / rawSeconds;
        double sourceRate = ctx.count / sourceSeconds;
        double decodingRate = expected / decodingSeconds;
        System.out.printf("mariadb-binlog --read-from-remote-server: %.2f s (%,.0f row changes/s; copies events, decodes no row)%n",
                rawSeconds, rawRate);
        System.out.printf("mariadb-binlog ... --verbose:             %.2f s (%,.0f row changes/s; decodes every row)%n",
                decodingSeconds, decodingRate);
        System.out.printf("cdc mysql source (counting context):     %.2f s (%,d events, %,.0f events/s)%n",
                sourceSeconds, ctx.count, sourceRate);
        System.out.printf("ratio source / raw reader: %.2f; source / decoding raw reader: %.2f%n", sourceRate / rawRate,
                sourceRate / decodingRate);
        try (Connection c = DriverManager.getConnection(url, "root", ""); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    private static String[] status(Statement s) throws Exception {
        try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            return new String[] {rs.getString(1), Long.toString(rs.getLong(2))};
        }
    }

    /** Counts change events and asks the source to stop once all arrived. */
    private static final class Counting implements SourceContext {
        private final Position from;
        private final long expected;
        long count;
        long first;
        long last;

        Counting(Position from, long expected) {
            this.from = from;
            this.expected = expected;
        }

        @Override
        public String pipelineName() {
            return "bench";
        }

        @Override
        public Optional<Position> resumePosition() {
            return Optional.of(from);
        }

        @Override
        public void emit(List<? extends StreamEvent> events) {
            last = System.nanoTime();
            if (first == 0) {
                first = last;
            }
            for (StreamEvent e : events) {
                if (e instanceof ChangeEvent) {
                    count++;
                }
            }
        }

        @Override
        public boolean isStopping() {
            return count >= expected;
        }
    }

    private static double rawReader(String[] start, String[] end, List<String> files, boolean decodeRows)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mariadb-binlog", "--read-from-remote-server", "--host=127.0.0.1",
                "--user=root", "--start-position=" + start[1], "--stop-position=" + end[1]));
        if (decodeRows) {
            cmd.add("--verbose");
        }
        cmd.addAll(files);
        long r0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int exit = p.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("mariadb-binlog exited with " + exit);
        }
        return (System.nanoTime() - r0) / 1e9;
    }
}
