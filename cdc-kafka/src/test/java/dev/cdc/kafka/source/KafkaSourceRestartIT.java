package dev.cdc.kafka.source;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.testkit.fixture.TestTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A consumer pipeline killed with kill -9 and started again gets its partitions back at once, not
 * after the group's session timeout (45 s): its static membership id (derived from the pipeline's
 * name) is the same, so the coordinator hands it the dead member's assignment. And a pipeline that
 * stops leaves the group: another member takes its partitions at once too. Both measured from the
 * consumer's open to its first event, printed, and asserted under a bound well below 45 s.
 */
class KafkaSourceRestartIT {

    /** Generous on a busy machine, yet below the 45 s a member that neither left nor came back costs. */
    private static final long BOUND_MS = 25_000;

    private final String name = TestTarget.create().name();
    private final String topic = name + ".orders";
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : children) {
            p.destroyForcibly().waitFor();
        }
        try (EnvelopeTopics topics = new EnvelopeTopics("up")) {
            topics.deleteTopics(topic);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aKilledConsumerRestartsWithoutWaitingForTheSessionTimeoutAndAStoppedOneLeaves() throws Exception {
        try (EnvelopeTopics topics = new EnvelopeTopics("up")) {
            topics.createTopic(topic, 3);
            TableId table = TableId.of("public", "orders");
            for (long i = 1; i <= 30; i++) {
                topics.write(topic, ChangeEvent.insert(table, Row.of("id", i), Row.of("id", i), Instant.now(),
                        Position.ofSequence(i)));
            }
        }
        String group = name + "-group";
        Process first = start(group);
        long firstLatency = firstEvent(first);
        first.destroyForcibly().waitFor(); // kill -9: no leave, the group still counts it as a member
        Process restarted = start(group);
        long restartLatency = firstEvent(restarted);
        System.out.printf("consumer pipeline: first start %d ms, restart after kill -9 %d ms to its first event"
                + " (session timeout 45 s)%n", firstLatency, restartLatency);
        assertThat(restartLatency).as("restart after kill -9, ms").isLessThan(BOUND_MS);

        restarted.getOutputStream().close(); // stop: the source closes and leaves the group
        assertThat(restarted.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(restarted.exitValue()).isZero();
        Process other = start(group, "other-pipeline"); // another member, another static id
        long takeOver = firstEvent(other);
        System.out.printf("consumer pipeline: another member had the partitions %d ms after its open, once the"
                + " first stopped%n", takeOver);
        assertThat(takeOver).as("take-over after a stop, ms").isLessThan(BOUND_MS);
    }

    private Process start(String group) throws Exception {
        return start(group, name);
    }

    private Process start(String group, String pipeline) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = Path.of("target", name + "-" + children.size() + ".log");
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", classpath, ConsumerPipelineMain.class.getName(),
                EnvelopeTopics.BOOTSTRAP, topic, pipeline, group).redirectError(log.toFile()).start();
        children.add(p);
        return p;
    }

    /** Milliseconds from the child's open to its first event, as it prints them. */
    private static long firstEvent(Process child) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("first event after ")) {
                return Long.parseLong(line.substring("first event after ".length(), line.indexOf(" ms")));
            }
        }
        throw new AssertionError("the consumer exited before its first event (exit " + child.waitFor()
                + "; its log in cdc-kafka/target)");
    }
}
