package dev.cdc.sink.jdbc;

/** {@link JdbcSinkMigrations} on H2 in memory (needs no server). */
class H2JdbcSinkMigrationsTest extends JdbcSinkMigrations {

    private final JdbcTarget h2 = JdbcTarget.h2(name);

    @Override
    JdbcTarget database() {
        return h2;
    }
}
