package dev.cdc.sink.jdbc;

import dev.cdc.testkit.fixture.TestTarget;

/** The sink conformance suite against H2 in memory (the embedded target; needs no server). */
class H2JdbcSinkTest extends JdbcSinkContract {

    @Override
    JdbcTarget database(TestTarget target) {
        return JdbcTarget.h2(target.name());
    }
}
