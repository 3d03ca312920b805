package dev.cdc.kafka.bench;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.format.EnvelopeFormat;
import dev.cdc.format.EnvelopeReader;
import dev.cdc.format.RowShape;
import dev.cdc.format.EnvelopeWriter;
import dev.cdc.kafka.source.KafkaSourceFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The kafka source against Kafka's own consumer benchmark on the same topic in the same run: a
 * topic of {@code partitions} partitions is filled with {@code events} cdc envelopes (a 7-column
 * row, about 400 bytes each, as the kafka sink writes them, plus the schema topic), then
 * {@code kafka-consumer-perf-test} (ConsumerPerformance, from the broker's class path that
 * scripts/services.sh installed) reads them all, then the kafka source reads them all into a
 * counting context (source → discard: parse, exact values, positions). A second baseline reads the
 * same records with a plain KafkaConsumer of the source's settings and parses each value with
 * Jackson's {@code readTree} (the least any consumer of JSON change events does). Prints events/s of
 * all three from the first record on (ConsumerPerformance's fetch.nMsg.sec) and both ratios; repeated
 * {@code runs} times, each with a group of its own, after one unmeasured pass of the source and of the
 * Jackson consumer to warm their JIT up.
 * Also prints each one's CPU time per record, all its threads (for ConsumerPerformance its JVM's,
 * less that of a run that reads one record), the figure that holds on a busy machine. The source's
 * decode-threads is its default unless the system property {@code decode.threads} is set.
 * <pre>scripts/bench-kafka-source.sh [events=1000000] [partitions=3] [runs=3]</pre>
 */
public final class KafkaSourceBench {

    private static final String BOOTSTRAP = System.getProperty("cdc.kafka.bootstrap", "127.0.0.1:9092");
    private static final TableId TABLE = TableId.of("public", "orders");
    private static final TableSchema SCHEMA = new TableSchema(TABLE, List.of(Column.notNull("id", DataType.int64()),
            Column.of("name", DataType.string()), Column.of("status", DataType.string()),
            Column.of("amount", DataType.decimal(12, 2)), Column.of("updated_at", DataType.timestampTz(6)),
            Column.of("version", DataType.int64()), Column.of("payload", DataType.string())), List.of("id"));
    private static final Instant BASE = Instant.parse("2026-01-02T13:45:00.123456Z");

    /** The i-th change of the bench's topic: an update of a 7-column row, about 815 bytes as an envelope. */
    private static ChangeEvent event(long i) {
        long id = i % 100_000;
        Row after = Row.builder().put("id", id).put("name", "customer " + id).put("status", i % 3 == 0 ? "paid" : "new")
                .put("amount", BigDecimal.valueOf(i % 100_000, 2)).put("updated_at", BASE.plusNanos(i * 1000))
                .put("version", i).put("payload", "x".repeat(120)).build();
        return ChangeEvent.update(TABLE, Row.of("id", id), after, after, BASE, Position.ofSequence(i))
                .withSchemaVersion(1).withTransactionId(Long.toString(i / 10));
    }

    /**
     * Decoding alone, on this thread, no Kafka: CPU time per envelope (the thread's own, so waiting for a
     * core does not count) of Jackson's readTree and of the source's reader (EnvelopeReader.readRecord
     * with the schema's row shape), best of 5 interleaved passes over the same envelopes.
     */
    private static void decodeOnly(long events) throws IOException {
        EnvelopeWriter writer = EnvelopeWriter.of(EnvelopeFormat.CDC, "bench");
        int n = (int) Math.min(events, 100_000);
        byte[][] values = new byte[n][];
        for (int i = 0; i < n; i++) {
            values[i] = writer.toBytes(event(i + 1));
        }
        RowShape shape = RowShape.of(SCHEMA);
        EnvelopeReader.Schemas schemas = new EnvelopeReader.Schemas() {
            @Override
            public Optional<TableSchema> at(TableId table, String sortKey, long schemaVersion) {
                return Optional.of(SCHEMA);
            }

            @Override
            public RowShape shape(TableId table, String sortKey, long schemaVersion) {
                return shape;
            }
        };
        ObjectMapper json = new ObjectMapper();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        double bestJson = Double.MAX_VALUE;
        double bestCdc = Double.MAX_VALUE;
        long sink = 0;
        for (int pass = 0; pass < 6; pass++) {
            long t0 = threads.getCurrentThreadCpuTime();
            for (byte[] v : values) {
                sink += json.readTree(v).size();
            }
            long t1 = threads.getCurrentThreadCpuTime();
            for (byte[] v : values) {
                sink += EnvelopeReader.readRecord(null, v, EnvelopeFormat.CDC, schemas).size();
            }
            long t2 = threads.getCurrentThreadCpuTime();
            if (pass > 0) { // the first pass warms the JIT up
                bestJson = Math.min(bestJson, (t1 - t0) / 1e3 / n);
                bestCdc = Math.min(bestCdc, (t2 - t1) / 1e3 / n);
            }
        }
        System.out.printf("decoding alone (one thread, no Kafka, %,d envelopes, best of 5 passes, %d): Jackson readTree"
                + " %.2f us CPU per record; kafka source's reader (typed ChangeEvent) %.2f us (%.2fx)%n", n, sink % 2,
                bestJson, bestCdc, bestCdc / bestJson);
    }

    public static void main(String[] args) throws Exception {
        long events = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path libs = Path.of(System.getProperty("kafka.libs", "/var/lib/cdc-test/kafka-4.1.1-libs"));
        String topic = "bench-source-" + Long.toHexString(System.nanoTime());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", BOOTSTRAP))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1), new NewTopic(topic + ".schemas", 1,
                    (short) 1))).all().get();
            long bytes = fill(topic, events);
            System.out.printf("topic %s: %,d cdc envelopes (%,d bytes, %d partitions)%n", topic, events, bytes, partitions);
            // the source's JIT warms up first (a consumer pipeline runs for long); ConsumerPerformance
            // does nearly nothing per record, so a fresh JVM is its steady state
            System.out.printf("warm-up: kafka source -> discard %,.0f events/s (not counted)%n",
                    kafkaSource(topic, events, "warm-" + topic));
            System.out.printf("warm-up: KafkaConsumer + Jackson readTree %,.0f records/s (not counted)%n",
                    jacksonConsumer(topic, events, "warm-json-" + topic));
            double perfTestStart = perfTestStartCpu(libs, topic);
            double[] ratios = new double[runs];
            double[] jsonRatios = new double[runs];
            for (int run = 1; run <= runs; run++) {
                double raw = consumerPerfTest(libs, topic, events, "raw-" + run + "-" + topic);
                double rawCpu = (lastCpuSeconds - perfTestStart) * 1e6 / events;
                double json = jacksonConsumer(topic, events, "json-" + run + "-" + topic);
                double jsonCpu = lastCpuSeconds * 1e6 / events;
                double cdc = kafkaSource(topic, events, "cdc-" + run + "-" + topic);
                double cdcCpu = lastCpuSeconds * 1e6 / events;
                ratios[run - 1] = cdc / raw;
                jsonRatios[run - 1] = cdc / json;
                System.out.printf("run %d: kafka-consumer-perf-test %,.0f records/s; KafkaConsumer + Jackson readTree %,.0f"
                        + " records/s; kafka source -> discard %,.0f events/s; ratio %.2f (perf-test), %.2f (Jackson)%n",
                        run, raw, json, cdc, cdc / raw, cdc / json);
                System.out.printf("run %d: CPU per record (all threads): kafka-consumer-perf-test %.2f us (its JVM's start"
                        + " taken off); KafkaConsumer + Jackson readTree %.2f us; kafka source -> discard %.2f us%n",
                        run, rawCpu, jsonCpu, cdcCpu);
            }
            Arrays.sort(ratios);
            Arrays.sort(jsonRatios);
            System.out.printf("ratio kafka source / kafka-consumer-perf-test: median %.2f [%.2f-%.2f] over %d runs%n",
                    ratios[runs / 2], ratios[0], ratios[runs - 1], runs);
            System.out.printf("ratio kafka source / KafkaConsumer + Jackson readTree: median %.2f [%.2f-%.2f] over %d runs%n",
                    jsonRatios[runs / 2], jsonRatios[0], jsonRatios[runs - 1], runs);
            admin.deleteTopics(List.of(topic, topic + ".schemas")).all().get();
        }
        decodeOnly(events);
    }

    private static long fill(String topic, long events) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", BOOTSTRAP);
        p.put("acks", "all");
        p.put("linger.ms", "20");
        p.put("batch.size", Integer.toString(256 * 1024));
        p.put("compression.type", "lz4");
        EnvelopeWriter writer = EnvelopeWriter.of(EnvelopeFormat.CDC, "bench");
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic + ".schemas", null,
                    writer.toBytes(SchemaChangeEvent.of(SCHEMA, Position.ofSequence(0), Instant.now())))).get();
            for (long i = 1; i <= events; i++) {
                ChangeEvent e = event(i);
                byte[] value = writer.toBytes(e);
                bytes += value.length;
                producer.send(new ProducerRecord<>(topic, writer.keyToBytes(e), value));
            }
            producer.flush();
        }
        return bytes;
    }

    /** CPU seconds of the last measured run (all its threads; for ConsumerPerformance, its whole JVM). */
    private static double lastCpuSeconds;

    /** CPU seconds of a ConsumerPerformance JVM that reads one record: its start, taken off its CPU per record. */
    private static double perfTestStartCpu(Path libs, String topic) throws Exception {
        consumerPerfTest(libs, topic, 1, "start-" + topic);
        return lastCpuSeconds;
    }

    private static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    /** Kafka's own consumer benchmark: its fetch.nMsg.sec (records/s from the first fetch). */
    private static double consumerPerfTest(Path libs, String topic, long events, String group) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path props = Files.createTempFile("consumer", ".properties");
        Files.writeString(props, "isolation.level=read_committed\nauto.offset.reset=earliest\n");
        Path times = Files.createTempFile("consumer", ".times");
        Process p = new ProcessBuilder("bash", "-c", "TIMEFORMAT='cpu %U %S'; time \"$@\"", "time", java,
                "-Xmx1g", "-cp", libs + "/*", "org.apache.kafka.tools.ConsumerPerformance",
                "--bootstrap-server", BOOTSTRAP, "--topic", topic, "--messages", Long.toString(events), "--group", group,
                "--timeout", "60000", "--consumer.config", props.toString())
                .redirectError(times.toFile()).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        }
        int exit = p.waitFor();
        lastCpuSeconds = 0;
        for (String line : Files.readAllLines(times)) {
            if (line.startsWith("cpu ")) {
                String[] f = line.split(" ");
                lastCpuSeconds = Double.parseDouble(f[1]) + Double.parseDouble(f[2]);
            } else {
                System.err.println(line);
            }
        }
        Files.deleteIfExists(times);
        if (exit != 0 || lines.size() < 2) {
            throw new IllegalStateException("ConsumerPerformance failed: " + lines);
        }
        List<String> header = Arrays.stream(lines.get(0).split(",")).map(String::trim).toList();
        String[] values = lines.get(lines.size() - 1).split(",");
        return Double.parseDouble(values[header.indexOf("fetch.nMsg.sec")].trim());
    }

    /**
     * A plain KafkaConsumer with the source's settings (group, read_committed, no auto commit,
     * max.poll.records 2000, the client's default fetch sizes, poll 500 ms) that parses each value
     * with Jackson's readTree and nothing else; timed like the source: from the first parsed batch
     * to the last record.
     */
    private static double jacksonConsumer(String topic, long events, String group) {
        Properties p = new Properties();
        p.put("bootstrap.servers", BOOTSTRAP);
        p.put("group.id", group);
        p.put("enable.auto.commit", "false");
        p.put("isolation.level", "read_committed");
        p.put("auto.offset.reset", "earliest");
        p.put("max.poll.records", "2000");
        p.put("max.poll.interval.ms", "300000");
        ObjectMapper json = new ObjectMapper();
        double cpu = processCpuSeconds();
        long count = 0;
        long fields = 0;
        long first = 0;
        long last = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (count < events) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    try {
                        fields += json.readTree(r.value()).size();
                    } catch (IOException e) {
                        throw new IllegalStateException("record " + r.offset() + " of " + r.topic() + " is not JSON", e);
                    }
                    count++;
                }
                if (!records.isEmpty()) {
                    if (first == 0) {
                        first = System.nanoTime();
                    }
                    last = System.nanoTime();
                }
            }
        }
        lastCpuSeconds = processCpuSeconds() - cpu;
        if (fields == 0) {
            throw new IllegalStateException("no field parsed");
        }
        return count / ((last - first) / 1e9);
    }

    /** The kafka source into a counting context: events/s from the first emitted batch to the last event. */
    private static double kafkaSource(String topic, long events, String group) throws Exception {
        KafkaSourceFactory f = new KafkaSourceFactory();
        Map<String, Object> raw = new HashMap<>(Map.of("bootstrap-servers", List.of(BOOTSTRAP), "topics", List.of(topic),
                "schema-topic", topic + ".schemas", "group-id", group));
        if (System.getProperty("decode.threads") != null) {
            raw.put("decode-threads", Integer.parseInt(System.getProperty("decode.threads")));
        }
        Source source = f.create(PluginContext.of(Configuration.of(f.options(), raw), "bench", "source"));
        Counting ctx = new Counting(events);
        double cpu = processCpuSeconds();
        source.open(ctx);
        source.run(ctx);
        source.close();
        lastCpuSeconds = processCpuSeconds() - cpu;
        return ctx.count / ((ctx.last - ctx.first) / 1e9);
    }

    private static final class Counting implements SourceContext {
        private final long expected;
        long count;
        long first;
        long last;

        Counting(long expected) {
            this.expected = expected;
        }

        @Override
        public String pipelineName() {
            return "bench";
        }

        @Override
        public Optional<Position> resumePosition() {
            return Optional.empty();
        }

        @Override
        public void emit(List<? extends StreamEvent> batch) {
            if (first == 0) {
                first = System.nanoTime();
            }
            for (StreamEvent e : batch) {
                if (e instanceof ChangeEvent) {
                    count++;
                }
            }
            last = System.nanoTime();
        }

        @Override
        public boolean isStopping() {
            return count >= expected;
        }
    }
}
