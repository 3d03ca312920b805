package dev.cdc.sink.redis;

import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.sink.LogEntry;
import dev.cdc.testkit.sink.SinkCapability;
import dev.cdc.testkit.sink.SinkView;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static dev.cdc.testkit.sink.SinkCapability.*;

/** The sink conformance suite against the real Redis, mode stream (a LOG: every event an entry). */
class RedisStreamSinkIT extends RedisSinkContract {

    @Override
    String mode() {
        return "stream";
    }

    @Override
    protected Set<SinkCapability> capabilities() {
        return EnumSet.of(LOG, DELETES, UNCHANGED_COLUMNS, TRUNCATE, COMPOSITE_KEYS, SCHEMA_CHANGES);
    }

    @Override
    protected SinkView view(TestTarget target) {
        RedisFixture redis = new RedisFixture();
        return new SinkView.Log() {
            @Override
            public List<LogEntry> entries() {
                return redis.streamEntries(target.name());
            }

            @Override
            public void close() {
                redis.close();
            }
        };
    }
}
