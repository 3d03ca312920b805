package dev.cdc.launcher;

/** {@link JdbcMigrationScenario} from MariaDB into PostgreSQL. */
class MariaDbToPostgresMigrationIT extends JdbcMigrationScenario {

    @Override
    String prefix() {
        return "mariamig";
    }

    @Override
    JdbcRoute route() {
        return JdbcRoute.MARIADB_TO_POSTGRES;
    }

    @Override
    String bigintName() {
        return "int8";
    }
}
