package dev.cdc.kafka.source;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.kafka.KafkaClientOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Options of the {@code kafka} source (besides the connection options of {@link KafkaClientOptions}). */
public final class KafkaSourceOptions {

    public static final ConfigOption<List<String>> TOPICS = ConfigOption.key("topics").listType().noDefaultValue()
            .description("The topics to read (exactly one of topics and topic-pattern).");

    public static final ConfigOption<String> TOPIC_PATTERN = ConfigOption.key("topic-pattern").stringType()
            .noDefaultValue().check(KafkaSourceOptions::isRegex, "a Java regular expression")
            .description("A regular expression of the topics to read, matched against whole names; topics created "
                    + "later that match are read too (exactly one of topics and topic-pattern).");

    public static final ConfigOption<String> GROUP_ID = ConfigOption.key("group-id").stringType().required()
            .description("The consumer group. Its committed offsets are the pipeline's checkpoint: they move only "
                    + "when every sink of the pipeline acknowledged the events before them. Each consumer pipeline "
                    + "has a group of its own; run more instances of one pipeline with the same group to share "
                    + "the partitions.");

    public static final ConfigOption<String> FORMAT = ConfigOption.key("format").enumType("auto", "cdc", "debezium")
            .defaultValue("auto")
            .description("How record values are read: cdc (the cdc envelope of the kafka sink), debezium "
                    + "(Debezium's JSON, with or without the schema part, and its schema-change topic) or auto "
                    + "(each record by its shape).");

    public static final ConfigOption<String> SCHEMA_TOPIC = ConfigOption.key("schema-topic").stringType()
            .noDefaultValue()
            .description("The topic the kafka sink writes the cdc schema changes to. Read from its start at open "
                    + "and again when a row names a schema version not seen yet, so every row is read with the "
                    + "column types in effect for it (exact values) and schema changes reach the sinks. Without "
                    + "it, schema changes are taken from the subscribed topics as they come, and a row read before "
                    + "its table's schema keeps JSON's own kinds (integers, decimals, strings).");

    public static final ConfigOption<String> ISOLATION_LEVEL = ConfigOption.key("isolation-level")
            .enumType("read_committed", "read_uncommitted").defaultValue("read_committed")
            .description("read_committed reads only committed transactions of a transactional (exactly-once) "
                    + "kafka sink, and waits for them; read_uncommitted also reads records of open and aborted "
                    + "transactions.");

    public static final ConfigOption<String> START_FROM = ConfigOption.key("start-from")
            .enumType("earliest", "latest").defaultValue("earliest")
            .description("Where to start in a partition that has neither a checkpoint nor a committed offset of "
                    + "the group: its first record or its end.");

    public static final ConfigOption<String> BAD_RECORDS = ConfigOption.key("bad-records").enumType("fail", "skip")
            .defaultValue("fail")
            .description("A record that is not an envelope of the format: fail stops the pipeline with a message "
                    + "naming its topic, partition and offset (the checkpoint stays before it); skip logs the same "
                    + "and goes on.");

    public static final ConfigOption<Duration> POLL_TIMEOUT = ConfigOption.key("poll-timeout").durationType()
            .defaultValue(Duration.ofMillis(500)).check(d -> !d.isNegative() && !d.isZero(), "> 0")
            .description("How long one poll waits for records; also how soon a stop is noticed.");

    public static final ConfigOption<Integer> MAX_POLL_RECORDS = ConfigOption.key("max-poll-records").intType()
            .defaultValue(2000).check(n -> n >= 1, ">= 1")
            .description("Most records one poll returns: the largest batch handed to the pipeline at once.");

    public static final ConfigOption<String> GROUP_INSTANCE_ID = ConfigOption.key("group-instance-id").stringType()
            .noDefaultValue().check(id -> id.matches("[A-Za-z0-9._-]{1,249}"),
                    "1 to 249 ASCII letters, digits, '.', '_' and '-'")
            .description("The consumer's static group membership id (Kafka's group.instance.id): a consumer pipeline "
                    + "killed and started again with the same id takes its partitions back at once, instead of after "
                    + "the group's session timeout (45 s by default); a pipeline that stops leaves the group, so the "
                    + "other members take its partitions at once. Default: cdc-<pipeline>-<source>.<host name>. Two "
                    + "running members of a group may not share an id (the later one fences the other): instances of "
                    + "one pipeline on one host each set their own. none: no static membership.");

    public static final ConfigOption<Integer> DECODE_THREADS = ConfigOption.key("decode-threads").intType()
            .noDefaultValue().check(n -> n >= 1 && n <= 64, "between 1 and 64")
            .description("Threads that parse a poll's records, the source thread included: a poll is split "
                    + "among them, and its events are still handed on in each partition's order, exactly as one "
                    + "thread would read them. 1 parses on the source thread only. Default: the number of "
                    + "processors, at most 4.");

    /** The default of {@link #DECODE_THREADS}: the processors, at most 4. */
    static int defaultDecodeThreads() {
        return Math.min(4, Runtime.getRuntime().availableProcessors());
    }

    /** Every option, in the order {@code cdc plugins} lists them. */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> all = new ArrayList<>(List.of(TOPICS, TOPIC_PATTERN, GROUP_ID, GROUP_INSTANCE_ID, FORMAT, SCHEMA_TOPIC,
                ISOLATION_LEVEL, START_FROM, BAD_RECORDS, POLL_TIMEOUT, MAX_POLL_RECORDS, DECODE_THREADS));
        all.addAll(KafkaClientOptions.all());
        return List.copyOf(all);
    }

    private static boolean isRegex(String s) {
        try {
            Pattern.compile(s);
            return true;
        } catch (PatternSyntaxException e) {
            return false;
        }
    }

    private KafkaSourceOptions() {
    }
}
