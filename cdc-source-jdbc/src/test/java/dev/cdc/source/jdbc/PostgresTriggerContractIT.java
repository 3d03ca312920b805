package dev.cdc.source.jdbc;

/** {@code jdbc-trigger} passes the source contract on Postgres. */
class PostgresTriggerContractIT extends TriggerContract {

    @Override
    TestDb db() {
        return TestDb.POSTGRES;
    }
}
