package dev.cdc.sink.jdbc;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.RetriableException;
import dev.cdc.api.error.SchemaEvolutionException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What the sink does with input it cannot take, against the real servers: a user without the CREATE
 * privilege, a type or a value the target cannot hold exactly, a name longer than the target allows.
 * Each is a clear error that names the fix, not retried, and leaves nothing half done.
 */
class JdbcSinkBadInputIT {

    private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");
    private final String name = "badin_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);

    private static Sink sink(JdbcTarget db, String user, String password, Map<String, Object> more) {
        Map<String, Object> options = new HashMap<>(Map.of("url", db.url(), "user", user, "password", password));
        options.putAll(more);
        JdbcSinkFactory f = new JdbcSinkFactory();
        return f.create(PluginContext.of(Configuration.of(f.options(), options), "bad-input", "replica"));
    }

    private Sink sink(JdbcTarget db) {
        return sink(db, db.user(), db.password(), Map.of("tombstone-table", name + "_tomb"));
    }

    private static TableSchema schema(TableId table, Column... columns) {
        return new TableSchema(table, List.of(columns), List.of("id"));
    }

    private static ChangeEvent insert(TableId table, Row row, long position) {
        return ChangeEvent.insert(table, row.project(List.of("id")), row, T, Position.ofSequence(position));
    }

    @Test
    void aPostgresUserWithoutCreateIsToldWhichGrantIsMissing() throws Exception {
        JdbcTarget pg = JdbcTarget.postgres();
        pg.execute("CREATE ROLE " + name + " LOGIN", "GRANT USAGE ON SCHEMA public TO " + name);
        try (Connection c = pg.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT has_schema_privilege('" + name + "', 'public', 'CREATE')")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("precondition: PostgreSQL 15 gives PUBLIC no CREATE on schema public")
                    .isFalse();
        }
        try (Sink sink = sink(pg, name, "", Map.of("tombstone-table", name + "_tomb"))) {
            Throwable error = catchThrowable(sink::open);
            assertThat(error).isInstanceOf(CdcException.class).isNotInstanceOf(RetriableException.class)
                    .hasMessageContaining("sink 'replica'")
                    .hasMessageContaining("permission denied for schema public")
                    .hasMessageContaining("GRANT CREATE ON SCHEMA <schema> TO <user>")
                    .hasMessageContaining("or create the tables yourself");
        } finally {
            pg.execute("DROP TABLE IF EXISTS " + name + "_tomb", "DROP OWNED BY " + name, "DROP ROLE " + name);
        }
    }

    @Test
    void aMariaDbUserWithoutCreateIsToldSoAndWritesOnceTheTablesExist() throws Exception {
        JdbcTarget maria = JdbcTarget.mariadb();
        TableId table = TableId.of("shop", name);
        SchemaChangeEvent create = SchemaChangeEvent.of(schema(table, Column.notNull("id", DataType.int64()),
                Column.of("qty", DataType.int32())), Position.ofSequence(1), T);
        String users = "'" + name + "'@'%', '" + name + "'@'localhost', '" + name + "'@'127.0.0.1'";
        maria.execute("CREATE USER " + users.replace("',", "' IDENTIFIED BY 'pw',") + " IDENTIFIED BY 'pw'",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON test.* TO " + users);
        try {
            try (Sink sink = sink(maria, name, "pw", Map.of("tombstone-table", name + "_tomb"))) {
                assertThatThrownBy(sink::open).isInstanceOf(CdcException.class)
                        .isNotInstanceOf(RetriableException.class)
                        .hasMessageContaining("CREATE command denied to user '" + name + "'")
                        .hasMessageContaining("GRANT CREATE, ALTER, INSERT, UPDATE, DELETE, SELECT ON <database>.*");
            }
            // an administrator creates the tables (the statements cdc schema plan shows); then the user can write
            try (Sink admin = sink(maria)) {
                admin.open();
                admin.applySchemaChange(create);
            }
            try (Sink sink = sink(maria, name, "pw", Map.of("tombstone-table", name + "_tomb"))) {
                sink.open();
                sink.applySchemaChange(create);
                sink.write(List.of(insert(table, Row.of("id", 1L, "qty", 5), 2)));
                sink.flush();
            }
            assertThat(maria.rows(name)).extracting(r -> r.get("qty")).containsExactly(5);
        } finally {
            maria.dropTables(name, name + "_tomb");
            maria.execute("DROP USER " + users);
        }
    }

    @Test
    void aTypeTheTargetCannotHoldStopsTheMigrationAndCreatesNothing() throws Exception {
        JdbcTarget maria = JdbcTarget.mariadb();
        TableId table = TableId.of("shop", name);
        SchemaChangeEvent create = SchemaChangeEvent.of(schema(table, Column.notNull("id", DataType.int64()),
                Column.of("amount", DataType.decimal(70, 2)).withSourceType("numeric(70,2)")), Position.ofSequence(1), T);
        try (Sink sink = sink(maria)) {
            sink.open();
            assertThatThrownBy(() -> sink.applySchemaChange(create)).isInstanceOf(SchemaEvolutionException.class)
                    .hasMessageContaining("cannot hold column shop." + name + ".amount of type decimal(70,2)")
                    .hasMessageContaining("at most 65 digits")
                    .hasMessageContaining("set the sink option column-types: {shop." + name + ".amount: ");
            assertThat(maria.rows(name)).isEmpty();
            assertThat(tableExists(maria, name)).isFalse();
        } finally {
            maria.dropTables(name, name + "_tomb");
        }
    }

    @Test
    void aValueTheColumnWouldRoundOrCutIsRefusedAndTheBatchLeavesNothing() throws Exception {
        JdbcTarget maria = JdbcTarget.mariadb();
        TableId table = TableId.of("shop", name);
        // an unconstrained decimal (PostgreSQL's numeric) is decimal(65,30) in MariaDB
        SchemaChangeEvent create = SchemaChangeEvent.of(schema(table, Column.notNull("id", DataType.int64()),
                Column.of("amount", DataType.decimal()), Column.of("price", DataType.float64()),
                Column.of("at", DataType.timestamp(6))), Position.ofSequence(1), T);
        try (Sink sink = sink(maria)) {
            sink.open();
            sink.applySchemaChange(create);
            BigDecimal precise = new BigDecimal("1." + "1234567890".repeat(4));
            List<ChangeEvent> batch = List.of(insert(table, Row.of("id", 1L, "amount", BigDecimal.ONE), 2),
                    insert(table, Row.of("id", 2L, "amount", precise), 3));
            sink.write(batch);
            assertThatThrownBy(sink::flush).isInstanceOf(CdcException.class).isNotInstanceOf(RetriableException.class)
                    .hasMessageContaining("column 'amount'").hasMessageContaining("has 39 fraction digits but column 'amount' decimal(65,30) keeps 30")
                    .hasMessageContaining("would round it").hasMessageContaining("column-types");
            assertThat(maria.rows(name)).as("the whole batch is rolled back").isEmpty();

            sink.write(List.of(insert(table, Row.of("id", 3L, "price", Double.NaN), 4)));
            assertThatThrownBy(sink::flush).hasMessageContaining("no NaN or Infinity");
            sink.write(List.of(insert(table, Row.of("id", 4L, "at", LocalDateTime.of(2025, 1, 2, 3, 4, 5, 123_456_789)),
                    5)));
            assertThatThrownBy(sink::flush).hasMessageContaining("more fractional-second digits than column");
            sink.write(List.of(insert(table, Row.of("id", 5L, "amount", new BigDecimal("12.5")), 6)));
            sink.flush();
            assertThat(maria.rows(name)).hasSize(1);
        } finally {
            maria.dropTables(name, name + "_tomb");
        }
    }

    @Test
    void aNameLongerThanTheTargetAllowsIsAnErrorNotACutName() throws Exception {
        JdbcTarget pg = JdbcTarget.postgres();
        String longName = name + "_" + "x".repeat(63 - name.length()); // 64 bytes: PostgreSQL would keep 63
        TableId table = TableId.of("shop", longName);
        try (Sink sink = sink(pg)) {
            sink.open();
            assertThatThrownBy(() -> sink.applySchemaChange(SchemaChangeEvent.of(schema(table,
                    Column.notNull("id", DataType.int64())), Position.ofSequence(1), T)))
                    .isInstanceOf(SchemaEvolutionException.class)
                    .hasMessageContaining("'" + longName + "' is 64 bytes long, but postgresql allows at most 63")
                    .hasMessageContaining("table-name");
            assertThatThrownBy(() -> {
                sink.write(List.of(insert(table, Row.of("id", 1L), 2)));
                sink.flush();
            }).isInstanceOf(CdcException.class).hasMessageContaining("64 bytes long");
            assertThat(tableExists(pg, longName.substring(0, 63))).as("no table under the cut name").isFalse();
        } finally {
            pg.dropTables(name + "_tomb");
        }
        JdbcTarget maria = JdbcTarget.mariadb();
        String column = "c".repeat(65);
        try (Sink sink = sink(maria)) {
            sink.open();
            assertThatThrownBy(() -> sink.applySchemaChange(SchemaChangeEvent.of(schema(TableId.of("shop", name),
                    Column.notNull("id", DataType.int64()), Column.of(column, DataType.int32())), Position.ofSequence(1),
                    T))).isInstanceOf(SchemaEvolutionException.class)
                    .hasMessageContaining("column name of shop." + name + " '" + column + "' is 65 characters long,"
                            + " but mariadb allows at most 64")
                    .hasMessageContaining("rename the column at the source, or drop it with the drop-columns transform");
            assertThat(tableExists(maria, name)).isFalse();
        } finally {
            maria.dropTables(name, name + "_tomb");
        }
    }

    private static boolean tableExists(JdbcTarget db, String table) throws Exception {
        try (Connection c = db.connect(); ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, table, null)) {
            while (rs.next()) {
                if (table.equals(rs.getString("TABLE_NAME"))) {
                    return true;
                }
            }
            return false;
        }
    }
}
