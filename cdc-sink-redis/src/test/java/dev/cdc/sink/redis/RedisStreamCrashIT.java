package dev.cdc.sink.redis;

import dev.cdc.testkit.fixture.TestTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stream mode, exactly one entry per source event across a kill -9: a child JVM runs the
 * pipeline, is killed with SIGKILL (no final checkpoint) while it appends, and is run again
 * from its checkpoint to the end; the events after the checkpoint are delivered again, and the
 * sink appends none of them twice.
 */
class RedisStreamCrashIT extends RedisTargetTest {

    private static final int COUNT = 4000;


    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void exactlyOneEntryPerEventAfterKillAndRestart() throws Exception {
        Path state = target.directory().resolve("state");
        Process first = child(state, 400);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (entries() < COUNT / 3) {
                assertThat(first.isAlive()).as("the first run is still running").isTrue();
                assertThat(System.nanoTime()).as("entries appear within 90 s").isLessThan(deadline);
                Thread.sleep(50);
            }
        } finally {
            first.destroyForcibly(); // SIGKILL: no drain, no final checkpoint
            first.waitFor();
        }
        long atKill = entries();
        long checkpointed = checkpointSequence(state);
        assertThat(atKill).as("entries when killed").isLessThan(COUNT);
        assertThat(checkpointed).as("the checkpoint lags what was appended, so the restart replays events")
                .isLessThan(atKill);

        Process second = child(state, 0);
        assertThat(second.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(second.exitValue()).as("the second run completes; output in %s", log(state, 0)).isZero();

        List<String> sortKeys = new ArrayList<>();
        long schemaEntries = 0;
        for (String stream : redis.keys(target.name() + ":cdc:*")) {
            for (Map<String, String> f : redis.stream(stream)) {
                sortKeys.add(f.get("sort_key"));
                schemaEntries += "schema".equals(f.get("op")) ? 1 : 0;
            }
        }
        Set<String> distinct = new HashSet<>(sortKeys);
        assertThat(sortKeys).as("one entry per event: %d entries, %d distinct (killed at %d, checkpoint %d)",
                sortKeys.size(), distinct.size(), atKill, checkpointed).hasSize(distinct.size());
        // the schema changes the engine passes on (one per table the source announces) are entries too, once each
        long rowEvents = sortKeys.size() - schemaEntries;
        assertThat(rowEvents).as("every generated event has its entry").isEqualTo(COUNT);
    }

    private long entries() {
        long n = 0;
        for (String stream : redis.keys(target.name() + ":cdc:*")) {
            n += redis.jedis().xlen(stream);
        }
        return n;
    }

    private Process child(Path state, int rate) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.createDirectories(target.directory());
        return new ProcessBuilder(java, "-Xmx256m", "-cp", classpath, StreamPipelineMain.class.getName(),
                target.name(), state.toString(), Integer.toString(COUNT), Integer.toString(rate))
                .redirectErrorStream(true).redirectOutput(log(state, rate).toFile()).start();
    }

    private Path log(Path state, int rate) {
        return target.directory().resolve("child-" + rate + ".log");
    }

    private static long checkpointSequence(Path state) throws Exception {
        Path file = state.resolve("checkpoint.json");
        if (!Files.exists(file)) {
            return 0;
        }
        Matcher m = Pattern.compile("\"sequence\"\\s*:\\s*\"(\\d+)\"").matcher(Files.readString(file));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
