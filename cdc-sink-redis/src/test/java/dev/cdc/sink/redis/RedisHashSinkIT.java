package dev.cdc.sink.redis;

import dev.cdc.api.spi.SinkFactory;
import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.sink.SinkCapability;
import dev.cdc.testkit.sink.SinkContract;
import dev.cdc.testkit.sink.SinkView;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static dev.cdc.testkit.sink.SinkCapability.*;

/** The sink conformance suite against the real Redis, mode hash. */
class RedisHashSinkIT extends SinkContract {

    @Override
    protected SinkFactory factory() {
        return new RedisSinkFactory();
    }

    @Override
    protected Map<String, Object> options(TestTarget target) {
        return RedisFixture.options(target.name(), "hash");
    }

    @Override
    protected Set<SinkCapability> capabilities() {
        return EnumSet.of(STATE, DELETES, UNCHANGED_COLUMNS, ORDER_GUARD, TRUNCATE, COMPOSITE_KEYS, SCHEMA_CHANGES);
    }

    @Override
    protected SinkView view(TestTarget target) {
        RedisFixture redis = new RedisFixture();
        return new SinkView.State() {
            @Override
            public java.util.List<dev.cdc.api.event.Row> rows(dev.cdc.api.event.TableId table) {
                return redis.hashRows(target.name(), table);
            }

            @Override
            public void close() {
                redis.close();
            }
        };
    }

    @Override
    protected void cleanUp(TestTarget target) {
        try (RedisFixture redis = new RedisFixture()) {
            redis.deleteAll(target.name());
        }
    }
}
