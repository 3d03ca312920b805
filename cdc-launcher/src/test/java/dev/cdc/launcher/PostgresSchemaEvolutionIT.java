package dev.cdc.launcher;

import dev.cdc.api.event.TableId;
import dev.cdc.testkit.fixture.Services;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** {@link SchemaEvolutionScenarios} from PostgreSQL (logical replication) to Elasticsearch. */
class PostgresSchemaEvolutionIT extends SchemaEvolutionScenarios {

    @Override
    String prefix() {
        return "pg";
    }

    @Override
    Connection connect() throws SQLException {
        return DriverManager.getConnection(PostgresPipelineIT.URL, Services.postgresUser(), Services.postgresPassword());
    }

    @Override
    String sourceYaml() {
        return "{type: postgres, url: \"" + PostgresPipelineIT.URL + "\", user: postgres, slot: " + name
                + ", publication: " + name + ", tables: [public." + name + "]}";
    }

    @Override
    TableId tableId() {
        return TableId.of("public", name);
    }

    @Override
    String widenQty() {
        return "ALTER TABLE " + name + " ALTER COLUMN qty TYPE bigint";
    }

    @Override
    String noteToDate() {
        return "ALTER TABLE " + name + " ALTER COLUMN note TYPE date USING NULL";
    }

    @Override
    void cleanUp() throws Exception {
        PostgresPipelineIT.dropSlotPublicationAndTable(name, name);
    }
}
