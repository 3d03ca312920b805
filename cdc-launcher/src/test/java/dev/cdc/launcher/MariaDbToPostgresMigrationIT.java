package dev.cdc.launcher;

import dev.cdc.api.event.TableId;
import dev.cdc.testkit.fixture.Services;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** {@link JdbcMigrationScenario} from MariaDB into PostgreSQL. */
class MariaDbToPostgresMigrationIT extends JdbcMigrationScenario {

    private final long serverId = 5_000_000 + ThreadLocalRandom.current().nextInt(1_000_000);

    @Override
    String prefix() {
        return "mariamig";
    }

    @Override
    Connection source() throws SQLException {
        return ExactRows.mariadb();
    }

    @Override
    Connection target() throws SQLException {
        return ExactRows.postgres();
    }

    @Override
    String sourceYaml() {
        return "{type: mysql, host: 127.0.0.1, port: 3306, user: cdc, password: cdc, database: test, tables: \"" + name
                + "\", server-id: " + serverId + "}";
    }

    @Override
    String targetOptions() {
        return "url: \"" + Services.postgresJdbcUrl() + "\", user: " + Services.postgresUser() + ", password: \""
                + Services.postgresPassword() + "\"";
    }

    @Override
    TableId tableId() {
        return TableId.of("test", name);
    }

    @Override
    String widenQty() {
        return "ALTER TABLE " + name + " MODIFY qty bigint NOT NULL";
    }

    @Override
    String widenLabel() {
        return "ALTER TABLE " + name + " MODIFY label varchar(200)";
    }

    @Override
    Set<String> bigintNames() {
        return Set.of("int8");
    }

    @Override
    void cleanUp() throws Exception {
        try (Connection c = source(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + name);
        }
        try (Connection c = target(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + name + ", " + name + "_tomb");
        }
    }
}
