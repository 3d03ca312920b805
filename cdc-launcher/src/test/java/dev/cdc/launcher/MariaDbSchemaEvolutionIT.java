package dev.cdc.launcher;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Transformer;
import dev.cdc.core.pipeline.PipelineSpec;
import dev.cdc.core.pipeline.PluginSpec;
import dev.cdc.testkit.fixture.Services;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link SchemaEvolutionScenarios} from MariaDB (row binlog) to Elasticsearch.
 *
 * <p>The MySQL source's sort keys (binlog file number, 8 hex digits; offset, 16; row, 8) do not
 * fit the Elasticsearch sink's external versions (first 16 digits shifted left by
 * {@code version-low-bits}, the rest below 2^bits): every row fails there, schema changes or not.
 * Until the source's key is 8 + 8 + 8 digits (binlog files stay below 4 GiB), a pipeline-wide
 * transform drops the offset's high 8 digits (zero on this server) from each sort key.
 */
class MariaDbSchemaEvolutionIT extends SchemaEvolutionScenarios {

    /** Sort key 8 + 16 + 8 hex digits to 8 + 8 + 8: order kept while offsets are below 2^32. */
    static Position compact(Position p) {
        String k = p.sortKey();
        if (k.length() != 32 || !k.startsWith("00000000", 8)) {
            return p;
        }
        return Position.of(p.offsets(), k.substring(0, 8) + k.substring(16));
    }

    static final class CompactSortKeys implements Transformer {
        @Override
        public Optional<ChangeEvent> apply(ChangeEvent event) {
            return Optional.of(event.withPosition(compact(event.position())));
        }

        @Override
        public Optional<SchemaChangeEvent> applySchemaChange(SchemaChangeEvent c) {
            return Optional.of(new SchemaChangeEvent(c.table(), c.before(), c.after(), c.changes(), c.ddl(),
                    compact(c.position()), c.commitTime()));
        }

        @Override
        public void close() {
        }
    }

    @Override
    PipelineSpec adjust(PipelineSpec s) {
        List<PluginSpec<Transformer>> transforms = new ArrayList<>(s.transforms());
        transforms.add(PluginSpec.ofInstance("transforms[0]", new CompactSortKeys()));
        return new PipelineSpec(s.name(), s.source(), s.filters(), transforms, s.sinks(), s.checkpoint(),
                s.stateDirectory(), s.engine(), s.metrics());
    }

    @Override
    Position asSeenBySink(Position p) {
        return compact(p);
    }

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
