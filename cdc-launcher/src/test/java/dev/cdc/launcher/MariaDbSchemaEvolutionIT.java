package dev.cdc.launcher;

import dev.cdc.api.event.TableId;
import dev.cdc.testkit.fixture.Services;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;

/** {@link SchemaEvolutionScenarios} from MariaDB (row binlog) to Elasticsearch. */
class MariaDbSchemaEvolutionIT extends SchemaEvolutionScenarios {

    private final long serverId = 70_000 + ThreadLocalRandom.current().nextInt(100_000);

    @Override
    String prefix() {
        return "maria";
    }

    @Override
    Connection connect() throws SQLException {
        return DriverManager.getConnection(Services.mariadbJdbcUrl(), Services.mariadbUser(), Services.mariadbPassword());
    }

    @Override
    String sourceYaml() {
        return "{type: mysql, host: 127.0.0.1, port: 3306, user: cdc, password: cdc, database: test, tables: " + name
                + ", server-id: " + serverId + "}";
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
    String noteToDate() {
        return "ALTER TABLE " + name + " MODIFY note date";
    }

    @Override
    void cleanUp() throws Exception {
        exec("DROP TABLE IF EXISTS " + name);
    }
}
