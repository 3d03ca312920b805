package dev.cdc.sink.redis;

import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.sink.SinkContract;
import dev.cdc.testkit.sink.SinkView;

import java.util.List;
import java.util.Map;

/** The sink conformance suite against the real Redis, for one mode: each subclass names it and its view. */
abstract class RedisSinkContract extends SinkContract {

    /** The sink's {@code mode} option. */
    abstract String mode();

    /** A key mode's stored rows of {@code table} under the test's key prefix. */
    @FunctionalInterface
    interface RowReader {
        List<Row> rows(RedisFixture redis, String prefix, TableId table);
    }

    @Override
    protected SinkFactory factory() {
        return new RedisSinkFactory();
    }

    @Override
    protected Map<String, Object> options(TestTarget target) {
        return RedisFixture.options(target.name(), mode());
    }

    /** The view of a key mode: the rows as Redis holds them now. */
    static SinkView stateView(TestTarget target, RowReader reader) {
        RedisFixture redis = new RedisFixture();
        return new SinkView.State() {
            @Override
            public List<Row> rows(TableId table) {
                return reader.rows(redis, target.name(), table);
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
