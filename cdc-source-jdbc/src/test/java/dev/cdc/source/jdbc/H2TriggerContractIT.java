package dev.cdc.source.jdbc;

/** {@code jdbc-trigger} passes the source contract on H2. */
class H2TriggerContractIT extends TriggerContract {

    @Override
    TestDb db() {
        return TestDb.H2;
    }
}
