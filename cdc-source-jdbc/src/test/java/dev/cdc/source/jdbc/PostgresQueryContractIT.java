package dev.cdc.source.jdbc;

/** {@code jdbc-query} passes the source contract on Postgres. */
class PostgresQueryContractIT extends QueryContract {

    @Override
    TestDb db() {
        return TestDb.POSTGRES;
    }
}
