package dev.cdc.source.mysql;

import dev.cdc.api.spi.SourceFactory;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.source.SourceContract;
import dev.cdc.testkit.source.SourceDriver;

import java.util.Map;

/** The testkit's source contract against the real MariaDB (row binlog). */
class MySqlSourceContractIT extends SourceContract {

    @Override
    protected SourceFactory factory() {
        return new MySqlSourceFactory();
    }

    @Override
    protected Map<String, Object> options(TestTarget target) {
        return TestOptions.of(target.name() + "_.*");
    }

    @Override
    protected SourceDriver driver() throws Exception {
        Services.requireReachable(Service.MARIADB);
        return new MariaDbDriver();
    }
}
