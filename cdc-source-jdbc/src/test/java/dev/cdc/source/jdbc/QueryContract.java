package dev.cdc.source.jdbc;

import dev.cdc.api.spi.SourceFactory;
import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.source.SourceCapability;
import dev.cdc.testkit.source.SourceContract;
import dev.cdc.testkit.source.SourceDriver;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The source conformance kit for {@code jdbc-query} on one test database: it polls the latest
 * state (no {@link SourceCapability#EVERY_CHANGE}), so the kit makes one change at a time, and a
 * delete is the application's soft delete.
 */
abstract class QueryContract extends SourceContract {

    abstract TestDb db();

    @Override
    protected SourceFactory factory() {
        return new JdbcQuerySourceFactory();
    }

    @Override
    protected Set<SourceCapability> capabilities() {
        return EnumSet.noneOf(SourceCapability.class);
    }

    @Override
    protected Map<String, Object> options(TestTarget target) {
        return Map.of("url", db().url(), "user", db().user(), "password", db().password(),
                "tables", List.of(db().namespace() + "\\." + target.name() + "_.*"), "timestamp-column", "updated_at",
                "created-column", "created_at", "soft-delete-column", "deleted", "safety-window", "300ms",
                "poll-interval", "50ms");
    }

    @Override
    protected SourceDriver driver() throws Exception {
        return new JdbcDriver(db(), true);
    }
}
