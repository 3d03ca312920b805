package dev.cdc.sink.jdbc;

import dev.cdc.testkit.fixture.TestTarget;

/** The sink conformance suite against the real PostgreSQL of scripts/services.sh. */
class PostgresJdbcSinkContractIT extends JdbcSinkContract {

    @Override
    JdbcTarget database(TestTarget target) {
        return JdbcTarget.postgres();
    }
}
