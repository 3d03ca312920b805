package dev.cdc.kafka.source;

import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.kafka.KafkaClientConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/** The bound options of the {@code kafka} source. */
record KafkaSourceConfig(KafkaClientConfig client, List<String> topics, Optional<Pattern> topicPattern,
                         String groupId, Optional<String> groupInstanceId, String format, Optional<String> schemaTopic, String isolationLevel,
                         String startFrom, boolean skipBadRecords, Duration pollTimeout, int maxPollRecords,
                         int decodeThreads) {

    /** Consumer settings the source's guarantees rest on: not to be overridden by client-properties. */
    static final Set<String> OWNED = Set.of("enable.auto.commit", "group.id", "group.instance.id", "isolation.level", "auto.offset.reset",
            "key.deserializer", "value.deserializer", "max.poll.records");

    static List<ConfigProblem> problems(Configuration c) {
        List<ConfigProblem> problems = new ArrayList<>();
        boolean list = c.isSet(KafkaSourceOptions.TOPICS);
        boolean pattern = c.isSet(KafkaSourceOptions.TOPIC_PATTERN);
        if (list == pattern) {
            problems.add(ConfigProblem.of(KafkaSourceOptions.TOPICS.key(), list
                    ? "and topic-pattern are both set; set one of them"
                    : "is not set, nor topic-pattern; set one of them (the topics to read)"));
        }
        if (list && c.get(KafkaSourceOptions.TOPICS).isEmpty()) {
            problems.add(ConfigProblem.of(KafkaSourceOptions.TOPICS.key(), "is empty; name at least one topic"));
        }
        return problems;
    }

    static KafkaSourceConfig from(Configuration c) {
        List<ConfigProblem> problems = problems(c);
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new KafkaSourceConfig(KafkaClientConfig.from(c, OWNED),
                c.getOptional(KafkaSourceOptions.TOPICS).orElse(List.of()),
                c.getOptional(KafkaSourceOptions.TOPIC_PATTERN).map(Pattern::compile),
                c.get(KafkaSourceOptions.GROUP_ID), c.getOptional(KafkaSourceOptions.GROUP_INSTANCE_ID),
                c.get(KafkaSourceOptions.FORMAT),
                c.getOptional(KafkaSourceOptions.SCHEMA_TOPIC), c.get(KafkaSourceOptions.ISOLATION_LEVEL),
                c.get(KafkaSourceOptions.START_FROM), c.get(KafkaSourceOptions.BAD_RECORDS).equals("skip"),
                c.get(KafkaSourceOptions.POLL_TIMEOUT), c.get(KafkaSourceOptions.MAX_POLL_RECORDS),
                c.getOptional(KafkaSourceOptions.DECODE_THREADS).orElse(KafkaSourceOptions.defaultDecodeThreads()));
    }

    /**
     * The group member's static id: {@code group-instance-id}, else {@code <clientId>.<host name>}
     * with any character Kafka refuses in an id made {@code _}; empty for {@code none}.
     */
    Optional<String> instanceId(String clientId) {
        String id = groupInstanceId.orElseGet(() -> (clientId + "." + hostName()).replaceAll("[^A-Za-z0-9._-]", "_"));
        return id.equals("none") ? Optional.empty() : Optional.of(id);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
        }
    }

    /** The group consumer's settings; {@code instanceId} its static membership id, if any. */
    Properties consumerProperties(String clientId, Optional<String> instanceId) {
        Properties p = consumerProperties(clientId);
        instanceId.ifPresent(id -> p.put("group.instance.id", id));
        return p;
    }

    Properties consumerProperties(String clientId) {
        return client.properties(clientId, Map.of("max.poll.interval.ms", "300000"), Map.of(
                "group.id", groupId,
                "enable.auto.commit", "false",
                "isolation.level", isolationLevel,
                "auto.offset.reset", startFrom,
                "max.poll.records", Integer.toString(maxPollRecords),
                "key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer",
                "value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer"));
    }

    /** The schema-topic reader's settings: no group, reads from the start every time. */
    Properties schemaReaderProperties(String clientId) {
        Properties p = consumerProperties(clientId);
        p.remove("group.id");
        p.put("auto.offset.reset", "earliest");
        return p;
    }
}
