package dev.cdc.sink.redis;

import dev.cdc.api.spi.Sink;
import dev.cdc.testkit.fixture.TestPluginContext;
import dev.cdc.testkit.fixture.TestTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.HashMap;
import java.util.Map;

/**
 * A test against the shared Redis with its own key prefix (the {@link TestTarget}'s name), whose
 * keys are removed after each test; {@link #open} makes and opens a sink writing under it.
 */
abstract class RedisTargetTest {

    TestTarget target;
    RedisFixture redis;

    @BeforeEach
    final void createTarget() {
        target = TestTarget.create();
        redis = new RedisFixture();
    }

    @AfterEach
    final void removeTarget() {
        try {
            redis.deleteAll(target.name());
        } finally {
            redis.close();
            target.deleteDirectory();
        }
    }

    /** An open sink of this mode under the test's prefix, with extra options. */
    Sink open(String mode, Map<String, Object> extra) throws Exception {
        Map<String, Object> options = new HashMap<>(RedisFixture.options(target.name(), mode));
        options.putAll(extra);
        RedisSinkFactory factory = new RedisSinkFactory();
        Sink sink = factory.create(TestPluginContext.bind(factory, options, target, "redis"));
        sink.open();
        return sink;
    }
}
