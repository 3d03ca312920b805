package dev.cdc.source.jdbc;

import dev.cdc.api.spi.SourceFactory;
import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.source.SourceContract;
import dev.cdc.testkit.source.SourceDriver;

import java.util.List;
import java.util.Map;

/** The source conformance kit for {@code jdbc-trigger} on one test database; one subclass per database. */
abstract class TriggerContract extends SourceContract {

    abstract TestDb db();

    @Override
    protected SourceFactory factory() {
        return new JdbcTriggerSourceFactory();
    }

    @Override
    protected Map<String, Object> options(TestTarget target) {
        return Map.of("url", db().url(), "user", db().user(), "password", db().password(),
                "tables", List.of(db().namespace() + "\\." + target.name() + "_.*"), "change-log", "cl_" + target.name(),
                "poll-interval", "50ms", "gap-confirm", "200ms");
    }

    @Override
    protected SourceDriver driver() throws Exception {
        return new JdbcDriver(db(), false);
    }

    @Override
    protected void cleanUp(TestTarget target) throws Exception {
        db().dropChangeLog("cl_" + target.name());
    }
}
