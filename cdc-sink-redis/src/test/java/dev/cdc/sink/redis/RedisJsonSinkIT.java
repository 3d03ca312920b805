package dev.cdc.sink.redis;

import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.sink.SinkCapability;
import dev.cdc.testkit.sink.SinkView;

import java.util.EnumSet;
import java.util.Set;

import static dev.cdc.testkit.sink.SinkCapability.*;

/** The sink conformance suite against the real Redis, mode json. */
class RedisJsonSinkIT extends RedisSinkContract {

    @Override
    String mode() {
        return "json";
    }

    @Override
    protected Set<SinkCapability> capabilities() {
        return EnumSet.of(STATE, DELETES, UNCHANGED_COLUMNS, ORDER_GUARD, TRUNCATE, COMPOSITE_KEYS, SCHEMA_CHANGES);
    }

    @Override
    protected SinkView view(TestTarget target) {
        return stateView(target, RedisFixture::jsonRows);
    }
}
