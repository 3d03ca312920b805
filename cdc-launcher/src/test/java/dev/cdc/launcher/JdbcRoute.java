package dev.cdc.launcher;

import dev.cdc.api.event.TableId;
import dev.cdc.testkit.fixture.Services;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A replication route of the jdbc sink's pipeline tests: a source database (its pipeline source and
 * its DDL dialect) and the other database as the target (the jdbc sink's options).
 */
enum JdbcRoute {

    POSTGRES_TO_MARIADB {
        @Override
        Connection source() throws SQLException {
            return ExactRows.postgres();
        }

        @Override
        Connection target() throws SQLException {
            return ExactRows.mariadb();
        }

        @Override
        String sourceYaml(String table) {
            return "{type: postgres, url: \"" + Services.postgresJdbcUrl() + "\", user: postgres, slot: " + table
                    + ", publication: " + table + ", tables: [public." + table + "]}";
        }

        @Override
        String targetOptions() {
            return "url: \"" + Services.mariadbJdbcUrl() + "\", user: " + Services.mariadbUser() + ", password: \""
                    + Services.mariadbPassword() + "\"";
        }

        @Override
        TableId tableId(String table) {
            return TableId.of("public", table);
        }

        @Override
        String retype(String table, String column, String type, boolean notNull) {
            return "ALTER TABLE " + table + " ALTER COLUMN " + column + " TYPE " + type;
        }

        @Override
        void dropSource(String table) throws Exception {
            PostgresPipelineIT.dropSlotPublicationAndTable(table, table);
        }
    },

    MARIADB_TO_POSTGRES {
        @Override
        Connection source() throws SQLException {
            return ExactRows.mariadb();
        }

        @Override
        Connection target() throws SQLException {
            return ExactRows.postgres();
        }

        @Override
        String sourceYaml(String table) {
            return "{type: mysql, host: 127.0.0.1, port: 3306, user: cdc, password: cdc, database: test, tables: \""
                    + table + "\", server-id: " + (4_000_000 + ThreadLocalRandom.current().nextInt(1_000_000)) + "}";
        }

        @Override
        String targetOptions() {
            return "url: \"" + Services.postgresJdbcUrl() + "\", user: " + Services.postgresUser() + ", password: \""
                    + Services.postgresPassword() + "\"";
        }

        @Override
        TableId tableId(String table) {
            return TableId.of("test", table);
        }

        @Override
        String retype(String table, String column, String type, boolean notNull) {
            return "ALTER TABLE " + table + " MODIFY " + column + " " + type + (notNull ? " NOT NULL" : "");
        }

        @Override
        void dropSource(String table) throws Exception {
            execute(this::source, "DROP TABLE IF EXISTS " + table);
        }
    };

    abstract Connection source() throws SQLException;

    abstract Connection target() throws SQLException;

    /** The pipeline's {@code source:} capturing {@code table}. */
    abstract String sourceYaml(String table);

    /** The jdbc sink's options for the target: url, user, password. */
    abstract String targetOptions();

    /** The table as the source names it. */
    abstract TableId tableId(String table);

    /** The source's DDL that gives a column a new type, keeping it NOT NULL when it is. */
    abstract String retype(String table, String column, String type, boolean notNull);

    /** Drops the source table and what the source made for it (a slot, a publication). */
    abstract void dropSource(String table) throws Exception;

    /** Drops the target table and its tombstones ({@code <table>_tomb}). */
    void dropTarget(String table) throws Exception {
        execute(this::target, "DROP TABLE IF EXISTS " + table + ", " + table + "_tomb");
    }

    @FunctionalInterface
    interface Connector {
        Connection open() throws SQLException;
    }

    static void execute(Connector connector, String... sql) throws SQLException {
        try (Connection c = connector.open(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
