package dev.cdc.source.jdbc;

/** {@code jdbc-query} passes the source contract on MariaDb. */
class MariaDbQueryContractIT extends QueryContract {

    @Override
    TestDb db() {
        return TestDb.MARIADB;
    }
}
