package dev.cdc.sink.jdbc;

/** {@link JdbcSinkMigrations} on the real MariaDB. */
class MariaDbJdbcSinkMigrationsIT extends JdbcSinkMigrations {

    @Override
    JdbcTarget database() {
        return JdbcTarget.mariadb();
    }
}
