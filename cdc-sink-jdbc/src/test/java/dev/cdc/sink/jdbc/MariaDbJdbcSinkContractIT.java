package dev.cdc.sink.jdbc;

import dev.cdc.testkit.fixture.TestTarget;

/** The sink conformance suite against the real MariaDB of scripts/services.sh. */
class MariaDbJdbcSinkContractIT extends JdbcSinkContract {

    @Override
    JdbcTarget database(TestTarget target) {
        return JdbcTarget.mariadb();
    }
}
