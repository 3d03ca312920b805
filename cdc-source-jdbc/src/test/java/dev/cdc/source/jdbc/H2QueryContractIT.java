package dev.cdc.source.jdbc;

/** {@code jdbc-query} passes the source contract on H2. */
class H2QueryContractIT extends QueryContract {

    @Override
    TestDb db() {
        return TestDb.H2;
    }
}
