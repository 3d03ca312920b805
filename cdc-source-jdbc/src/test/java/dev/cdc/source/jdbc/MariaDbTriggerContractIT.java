package dev.cdc.source.jdbc;

/** {@code jdbc-trigger} passes the source contract on MariaDb. */
class MariaDbTriggerContractIT extends TriggerContract {

    @Override
    TestDb db() {
        return TestDb.MARIADB;
    }
}
