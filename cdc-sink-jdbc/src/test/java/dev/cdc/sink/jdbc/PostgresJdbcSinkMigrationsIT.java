package dev.cdc.sink.jdbc;

/** {@link JdbcSinkMigrations} on the real PostgreSQL. */
class PostgresJdbcSinkMigrationsIT extends JdbcSinkMigrations {

    @Override
    JdbcTarget database() {
        return JdbcTarget.postgres();
    }
}
