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
 * with {@code mariadb-binlog --read-from-remote-server} to /dev/null, and prints both rates:
 * {@code -Dbench.rounds} (default 3) rounds of both on the same range, round 1 cold (a JVM that
 * has not run the source yet), the median of the later, warm ones. Run by scripts/bench-mysql.sh.
 * Arguments: [inserts] (default 1000000).
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

        // the raw reader copying events (no row decoding), once
        double rawSeconds = rawReader(start, end, files, false);

        Map<String, Object> raw = new HashMap<>(Map.of("host", "127.0.0.1", "port", 3306, "user", "root",
                "database", "test", "tables", table, "server-id", 7777L, "snapshot-mode", "never"));
        MySqlSourceFactory f = new MySqlSourceFactory();
        Position from = Position.of(Map.of("file", start[0], "pos", start[1], "row", "0"), "");
        if (Boolean.getBoolean("bench.warmup")) {
            // -Dbench.warmup=true: read the range once untimed first, so even round 1 runs JIT-compiled code
            readWithSource(f, raw, from, expected);
        }
        // -Dbench.rounds=N: N rounds of (mariadb-binlog --verbose, then the source) on the same range;
        // round 1 is the cold one (unless warmed up), the later ones run warm
        int rounds = Integer.getInteger("bench.rounds", 3);
        double[] decoding = new double[rounds];
        double[] sourceSec = new double[rounds];
        double[] cpu = new double[rounds];
        double[] rawCpu = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            decoding[r] = rawReader(start, end, files, true);
            rawCpu[r] = lastRawCpu;
            double[] m = readWithSource(f, raw, from, expected);
            sourceSec[r] = m[0];
            cpu[r] = m[1];
            System.out.printf("round %d: mariadb-binlog --verbose %.2f s (CPU %.2f s), source %.2f s (process CPU %.2f s), ratio %.2f%n",
                    r + 1, decoding[r], rawCpu[r], sourceSec[r], cpu[r], decoding[r] / sourceSec[r]);
        }
        System.out.printf("mariadb-binlog --read-from-remote-server: %.2f s (%,.0f row changes/s; copies events, decodes no row)%n",
                rawSeconds, expected / rawSeconds);
        report("round 1" + (Boolean.getBoolean("bench.warmup") ? " (after an untimed warm-up)" : " (cold)"),
                expected, new double[] {decoding[0]}, new double[] {sourceSec[0]}, new double[] {cpu[0]}, new double[] {rawCpu[0]});
        if (rounds > 1) {
            report("rounds 2-" + rounds + " (warm), median [min-max]", expected,
                    java.util.Arrays.copyOfRange(decoding, 1, rounds), java.util.Arrays.copyOfRange(sourceSec, 1, rounds),
                    java.util.Arrays.copyOfRange(cpu, 1, rounds), java.util.Arrays.copyOfRange(rawCpu, 1, rounds));
        }
        try (Connection c = DriverManager.getConnection(url, "root", ""); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    private static int passes;

    /** Reads the range with a new source into a counting context: {wall seconds, process CPU seconds}. */
    private static double[] readWithSource(MySqlSourceFactory f, Map<String, Object> raw, Position from, long expected)
            throws Exception {
        // a server-id of its own per pass: the server drops an earlier reader's idle dump thread of the same
        // server-id only when a new one registers, and that took about 100 ms, which is not catch-up work
        Map<String, Object> options = new HashMap<>(raw);
        options.put("server-id", 7777L + (passes++ % 1000));
        Source source = f.create(PluginContext.of(Configuration.of(f.options(), options), "bench", "source"));
        Counting ctx = new Counting(from, expected);
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        Map<String, Long> threads0 = threadCpuMillis();
        long allocated0 = allocatedBytes();
        long cpu0 = os.getProcessCpuTime();
        long s0 = System.nanoTime();
        source.open(ctx);
        long opened = System.nanoTime();
        source.run(ctx);
        double seconds = (System.nanoTime() - s0) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        Map<String, Long> threads1 = threadCpuMillis(); // before close: the binlog reading thread ends with it
        long allocated = allocatedBytes() - allocated0;
        source.close();
        if (ctx.count != expected) {
            throw new IllegalStateException("the source delivered " + ctx.count + " change events, expected " + expected);
        }
        StringBuilder perThread = new StringBuilder();
        threads1.forEach((name, ms) -> {
            long d = ms - threads0.getOrDefault(name, 0L);
            if (d >= 20) {
                perThread.append(perThread.length() == 0 ? "" : ", ").append(name).append(' ').append(d).append(" ms");
            }
        });
        System.out.printf("source: open %.2f s, first event after %.2f s, last after %.2f s, process CPU %.2f s (%s),"
                        + " allocated %,d bytes per event%n", (opened - s0) / 1e9, (ctx.first - s0) / 1e9,
                (ctx.last - s0) / 1e9, cpu, perThread, allocated / expected);
        return new double[] {seconds, cpu};
    }

    /** Bytes allocated so far by the threads alive now (the source's binlog reading thread among them). */
    private static long allocatedBytes() {
        com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long b : t.getThreadAllocatedBytes(t.getAllThreadIds())) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    /**
     * CPU time per kind of thread of this JVM (from /proc/self/task; empty elsewhere): the source's
     * threads, the JIT compilers, the GC (threads of one kind, {@code GC Thread#0}, {@code #1}, add up); the
     * main thread is named after the process, {@code java}.
     */
    private static Map<String, Long> threadCpuMillis() {
        Map<String, Long> out = new java.util.TreeMap<>();
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        if (tasks == null) {
            return out;
        }
        for (java.io.File t : tasks) {
            try {
                String stat = java.nio.file.Files.readString(t.toPath().resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                String kind = name.startsWith("blc-") ? "binlog-reader" : name.replaceAll("#\\d+$", "").trim();
                out.merge(kind, ticks * 10, Long::sum); // clock ticks of 10 ms
            } catch (java.io.IOException | RuntimeException e) {
                // the thread ended meanwhile
            }
        }
        return out;
    }

    private static void report(String what, long events, double[] decoding, double[] source, double[] cpu,
                               double[] rawCpu) {
        double d = median(decoding);
        double s = median(source);
        System.out.printf("%s:%n", what);
        System.out.printf("  mariadb-binlog ... --verbose:         %.2f s [%.2f-%.2f] (%,.0f row changes/s; decodes every row), CPU %.2f s%n",
                d, min(decoding), max(decoding), events / d, median(rawCpu));
        System.out.printf("  cdc mysql source (counting context): %.2f s [%.2f-%.2f] (%,.0f events/s), process CPU %.2f s%n",
                s, min(source), max(source), events / s, median(cpu));
        double[] ratios = new double[source.length];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = decoding[i] / source[i];
        }
        System.out.printf("  ratio source / decoding raw reader: %.2f [%.2f-%.2f]%n", median(ratios), min(ratios),
                max(ratios));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return java.util.Arrays.stream(v).min().orElse(0);
    }

    private static double max(double[] v) {
        return java.util.Arrays.stream(v).max().orElse(0);
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

    /** Seconds of CPU (user + system) the last mariadb-binlog run used, when /usr/bin/time could measure it; else NaN. */
    private static double lastRawCpu = Double.NaN;

    private static double rawReader(String[] start, String[] end, List<String> files, boolean decodeRows)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        java.nio.file.Path times = null;
        if (java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/time"))) {
            times = java.nio.file.Files.createTempFile("bench-mysql-time", ".txt");
            cmd.addAll(List.of("/usr/bin/time", "-o", times.toString(), "-f", "%U %S"));
        }
        cmd.addAll(List.of("mariadb-binlog", "--read-from-remote-server", "--host=127.0.0.1",
                "--user=root", "--start-position=" + start[1], "--stop-position=" + end[1]));
        if (decodeRows) {
            cmd.add("--verbose");
        }
        cmd.addAll(files);
        long r0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int exit = p.waitFor();
        double seconds = (System.nanoTime() - r0) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException("mariadb-binlog exited with " + exit);
        }
        lastRawCpu = Double.NaN;
        if (times != null) {
            String[] t = java.nio.file.Files.readString(times).trim().split("\\s+");
            java.nio.file.Files.delete(times);
            lastRawCpu = Double.parseDouble(t[t.length - 2]) + Double.parseDouble(t[t.length - 1]);
        }
        return seconds;
    }
}
