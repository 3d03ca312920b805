package dev.cdc.kafka.bench;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.format.EnvelopeFormat;
import dev.cdc.format.EnvelopeWriter;
import dev.cdc.kafka.sink.KafkaSinkFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code kafka} sink against Kafka's own {@code ProducerPerformance} (kafka-producer-perf-test),
 * in the same run, on the same broker, with the same record size, acks=all, linger, batch size and
 * compression: events/s of the sink (write per batch of 1,000 events, fed from memory, no engine)
 * and records/s of ProducerPerformance, for at-least-once (idempotent producer) and exactly-once
 * (a transaction per batch; ProducerPerformance with a transactional id committing at the same
 * average interval). Prints median [min-max] over the runs and the ratios.
 *
 * <p>Arguments: bootstrap servers, broker class path (for ProducerPerformance), events per run,
 * payload bytes per row, runs.
 */
public final class KafkaSinkBench {

    private static final int BATCH = 1000;
    private static final Pattern PERF = Pattern.compile("(\\d+) records sent, ([0-9.]+) records/sec");

    private KafkaSinkBench() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
        String brokerClasspath = args[1];
        int events = args.length > 2 ? Integer.parseInt(args[2]) : 300_000;
        int payload = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        int runs = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        List<ChangeEvent> all = events(events, payload);
        int recordSize = EnvelopeWriter.of(EnvelopeFormat.CDC, "bench").toBytes(all.get(events / 2)).length;
        System.out.printf("kafka sink benchmark: %d events of %d bytes (cdc envelope), batches of %d, acks=all, "
                + "linger 5 ms, batch.size 256 KiB, lz4; broker %s; %d run(s)%n", events, recordSize, BATCH, bootstrap,
                runs);
        for (String delivery : List.of("at-least-once", "exactly-once")) { // warm-up: JIT, connections
            String topic = "bench.warmup." + UUID.randomUUID().toString().substring(0, 8);
            createTopic(bootstrap, topic);
            runSink(bootstrap, topic, delivery, all.subList(0, Math.min(all.size(), 50_000)));
            deleteTopics(bootstrap, List.of(topic, topic + ".state"));
        }
        for (String delivery : List.of("at-least-once", "exactly-once")) {
            double[] sink = new double[runs];
            double[] perf = new double[runs];
            for (int r = 0; r < runs; r++) {
                String topic = "bench." + UUID.randomUUID().toString().substring(0, 8);
                createTopic(bootstrap, topic);
                createTopic(bootstrap, topic + ".perf");
                long start = System.nanoTime();
                runSink(bootstrap, topic, delivery, all);
                double seconds = (System.nanoTime() - start) / 1e9;
                sink[r] = events / seconds;
                long batchMillis = Math.max(1, Math.round(seconds * 1000 / Math.ceil(events / (double) BATCH)));
                perf[r] = producerPerformance(brokerClasspath, bootstrap, topic + ".perf", events, recordSize,
                        delivery.equals("exactly-once") ? batchMillis : 0);
                deleteTopics(bootstrap, List.of(topic, topic + ".perf", topic + ".state"));
            }
            System.out.printf("%-14s kafka sink %s events/s, ProducerPerformance %s records/s, ratio %.2f%n", delivery,
                    summary(sink), summary(perf), median(sink) / median(perf));
        }
    }

    private static void runSink(String bootstrap, String topic, String delivery, List<ChangeEvent> all)
            throws Exception {
        KafkaSinkFactory f = new KafkaSinkFactory();
        Map<String, Object> o = new java.util.HashMap<>(Map.of("bootstrap-servers", List.of(bootstrap),
                "topic-template", topic, "delivery", delivery, "tombstones.on.delete", false));
        if (delivery.equals("exactly-once")) {
            o.put("state-topic", topic + ".state");
            o.put("transactional-id", topic);
        }
        Sink sink = f.create(PluginContext.of(Configuration.of(f.options(), o), "bench", "kafka"));
        try {
            sink.open();
            for (int i = 0; i < all.size(); i += BATCH) {
                sink.write(all.subList(i, Math.min(all.size(), i + BATCH)));
                sink.flush();
            }
        } finally {
            sink.close();
        }
    }

    private static double producerPerformance(String classpath, String bootstrap, String topic, int records,
                                              int recordSize, long transactionMillis) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", classpath, "org.apache.kafka.tools.ProducerPerformance", "--topic", topic,
                "--num-records", Integer.toString(records), "--record-size", Integer.toString(recordSize),
                "--throughput", "-1", "--producer-props", "bootstrap.servers=" + bootstrap, "acks=all",
                "linger.ms=5", "batch.size=262144", "compression.type=lz4", "enable.idempotence=true"));
        if (transactionMillis > 0) {
            cmd.addAll(List.of("--transactional-id", topic, "--transaction-duration-ms", Long.toString(transactionMillis)));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (PERF.matcher(line).find()) {
                    last = line;
                }
            }
        }
        if (p.waitFor() != 0 || last == null) {
            throw new IllegalStateException("ProducerPerformance failed (exit " + p.exitValue() + "): " + cmd);
        }
        Matcher m = PERF.matcher(last);
        m.find();
        return Double.parseDouble(m.group(2));
    }

    private static List<ChangeEvent> events(int n, int payload) {
        List<ChangeEvent> out = new ArrayList<>(n);
        TableId table = TableId.of("bench", "orders");
        String text = "x".repeat(payload);
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < n; i++) {
            long id = i % 100_000;
            out.add(ChangeEvent.insert(table, Row.of("id", id), Row.of("id", id, "status", "new", "payload", text),
                    now, Position.ofSequence(i + 1)));
        }
        return out;
    }

    private static void createTopic(String bootstrap, String topic) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
        }
    }

    private static void deleteTopics(String bootstrap, List<String> topics) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            List<String> existing = admin.listTopics().names().get().stream().filter(topics::contains).toList();
            admin.deleteTopics(existing).all().get();
        }
    }

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        return Admin.create(p);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String summary(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return String.format("%.0f [%.0f-%.0f]", median(v), s[0], s[s.length - 1]);
    }
}
