package dev.cdc.sink.redis.bench;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.sink.redis.RedisSinkFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Events per second through the {@code hash} sink (order guard on, as always), fed from an
 * in-memory list: no engine, the sink's {@code write} + {@code flush} called directly per batch,
 * as a lane does. Then, in the same run, {@code redis-benchmark -t hset} pipelined over the same
 * number of connections (one: a lane has one connection), and the ratio.
 *
 * <p>Arguments (all optional): events (1000000), keys (100000), batch size (1000), redis URI
 * (redis://127.0.0.1:6379), redis-benchmark pipeline depth (1000).
 */
public final class RedisHashSinkBench {

    private static final String PREFIX = "cdc-bench-redis";

    private RedisHashSinkBench() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        String uri = args.length > 3 ? args[3] : "redis://127.0.0.1:6379";
        int pipeline = args.length > 4 ? Integer.parseInt(args[4]) : 1000;
        URI u = URI.create(uri);

        System.out.printf("building %,d upserts over %,d keys (7 columns, in memory)...%n", events, keys);
        List<ChangeEvent> all = events(events, keys);
        RedisSinkFactory factory = new RedisSinkFactory();
        Map<String, Object> options = Map.of("uri", uri, "mode", "hash",
                "key-template", PREFIX + ":${table}:${key}", "metadata-prefix", PREFIX + ":__cdc:");
        PluginContext context = PluginContext.of(Configuration.of(factory.options(), options), "bench", "redis");

        try (Jedis jedis = new Jedis(u.getHost(), u.getPort())) {
            deleteAll(jedis);
            // warm up the JIT on a tenth of the events, then start from an empty keyspace
            run(factory, context, all.subList(0, Math.min(all.size(), 100_000)), batch);
            deleteAll(jedis);
            double cpuBefore = serverCpuSeconds(jedis);
            long clientBefore = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long nanos = run(factory, context, all, batch);
            long clientNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - clientBefore;
            double cpu = serverCpuSeconds(jedis) - cpuBefore;
            double sinkRate = events / (nanos / 1e9);
            System.out.printf("hash sink: %,d events in %.2f s = %,.0f events/s (batches of %d, write+flush each,"
                    + " 1 connection, order guard on)%n", events, nanos / 1e9, sinkRate, batch);
            System.out.printf("CPU during the run: redis server %.2f s = %.2f us/event; sink thread %.2f s = %.2f us/event%n",
                    cpu, cpu * 1e6 / events, clientNanos / 1e9, clientNanos / 1e3 / events);
            long stored = jedis.dbSize();
            System.out.printf("keys in the database after the run: %,d%n", stored);
            deleteAll(jedis);

            double raw = redisBenchmark(u, events, pipeline);
            System.out.printf("redis-benchmark -t hset -n %d -P %d -c 1: %,.0f HSET/s%n", events, pipeline, raw);
            System.out.printf("ratio sink / raw pipelined HSET: %.2f%n", sinkRate / raw);
        }
    }

    private static long run(RedisSinkFactory factory, PluginContext context, List<ChangeEvent> events, int batch)
            throws Exception {
        try (Sink sink = factory.create(context)) {
            sink.open();
            long start = System.nanoTime();
            for (int i = 0; i < events.size(); i += batch) {
                sink.write(events.subList(i, Math.min(events.size(), i + batch)));
                sink.flush();
            }
            return System.nanoTime() - start;
        }
    }

    private static List<ChangeEvent> events(int count, int keys) {
        TableId table = TableId.of("bench", "items");
        Random random = new Random(42);
        String[] statuses = {"new", "paid", "shipped", "cancelled"};
        Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
        List<ChangeEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long id = 1 + random.nextInt(keys);
            StringBuilder payload = new StringBuilder(16);
            for (int c = 0; c < 16; c++) {
                payload.append((char) ('a' + random.nextInt(26)));
            }
            Row row = Row.of("id", id, "name", "item " + id, "status", statuses[random.nextInt(statuses.length)],
                    "amount", BigDecimal.valueOf(random.nextInt(10_000_000), 2), "updated_at", t0.plusMillis(i),
                    "version", (long) i, "payload", payload.toString());
            events.add(ChangeEvent.update(table, Row.of("id", id), null, row, t0.plusMillis(i),
                    Position.ofSequence(i + 1)));
        }
        return events;
    }

    private static double redisBenchmark(URI u, int requests, int pipeline) throws Exception {
        Process p = new ProcessBuilder("redis-benchmark", "-h", u.getHost(), "-p", Integer.toString(u.getPort()),
                "-t", "hset", "-n", Integer.toString(requests), "-P", Integer.toString(pipeline), "-c", "1", "-q")
                .redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.append(line).append('\n');
            }
        }
        p.waitFor();
        // -q prints progress with carriage returns, then "HSET: 1234567.00 requests per second, ..."
        Matcher m = Pattern.compile("HSET: ([0-9.]+) requests per second").matcher(out);
        double rate = -1;
        while (m.find()) {
            rate = Double.parseDouble(m.group(1));
        }
        if (rate < 0) {
            throw new IllegalStateException("could not read redis-benchmark's output:\n" + out);
        }
        try (Jedis jedis = new Jedis(u.getHost(), u.getPort())) {
            jedis.del("myhash"); // what redis-benchmark -t hset writes
        }
        return rate;
    }

    /** Redis's own CPU time so far (user + system), from INFO cpu: less noisy than wall time on a busy machine. */
    private static double serverCpuSeconds(Jedis jedis) {
        double total = 0;
        for (String line : jedis.info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return total;
    }

    private static void deleteAll(Jedis jedis) {
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(PREFIX + ":*").count(5000));
            if (!page.getResult().isEmpty()) {
                jedis.unlink(page.getResult().toArray(String[]::new));
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
}
