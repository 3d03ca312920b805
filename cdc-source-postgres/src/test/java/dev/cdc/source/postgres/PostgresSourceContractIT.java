package dev.cdc.source.postgres;

import dev.cdc.api.spi.SourceFactory;
import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.source.SourceContract;
import dev.cdc.testkit.source.SourceDriver;

import java.util.Map;

/** The testkit's source conformance kit against the real PostgreSQL. */
class PostgresSourceContractIT extends SourceContract {

    @Override
    protected SourceFactory factory() {
        return new PostgresSourceFactory();
    }

    @Override
    protected Map<String, Object> options(TestTarget target) {
        return Map.of("url", PgDriver.url(), "slot", slotOf(target), "tables", "public." + target.name() + "_.*");
    }

    @Override
    protected SourceDriver driver() throws Exception {
        return new PgDriver();
    }

    @Override
    protected void cleanUp(TestTarget target) throws Exception {
        Pg.dropSlotAndPublication(slotOf(target), slotOf(target));
    }

    private static String slotOf(TestTarget target) {
        return target.name().toLowerCase().replaceAll("[^a-z0-9_]", "_");
    }
}
