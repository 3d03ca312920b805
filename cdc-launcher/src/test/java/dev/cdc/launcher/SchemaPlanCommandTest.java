package dev.cdc.launcher;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.core.schema.SchemaGate;
import dev.cdc.schema.registry.SchemaRegistry;
import dev.cdc.schema.registry.SchemaVersion;
import dev.cdc.schema.store.FileSchemaStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cdc schema plan}: recorded and pending changes per sink, the policy's decisions, the sinks' statements. */
class SchemaPlanCommandTest {

    private static final TableId ORDERS = TableId.of("shop", "orders");
    private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private Path pipeline() throws IOException {
        return Files.writeString(dir.resolve("p.yaml"), """
                pipeline: p
                source: {type: generator, count: 1}
                sinks:
                  - {name: replica, type: jdbc, url: "jdbc:postgresql://db.invalid:5432/x", schema-policy: evolve}
                  - {name: mirror, type: jdbc, url: "jdbc:mariadb://db.invalid:3306/x"}
                  - {name: archive, type: discard}
                checkpoint: {type: file, path: %s}
                """.formatted(dir.resolve("state")));
    }

    /** Three versions: the table, then a wider varchar and int to bigint, then int to date (breaking). */
    private List<SchemaVersion> history() {
        TableSchema v1 = new TableSchema(ORDERS, List.of(Column.notNull("id", DataType.int64()),
                Column.of("qty", DataType.int32()), Column.of("label", DataType.string()).withSourceType("varchar(20)")),
                List.of("id"));
        TableSchema v2 = v1.withColumns(List.of(v1.columns().get(0), Column.of("qty", DataType.int64()),
                Column.of("label", DataType.string()).withSourceType("varchar(200)")));
        TableSchema v3 = v2.withColumns(List.of(v2.columns().get(0), Column.of("qty", DataType.date()),
                v2.columns().get(2)));
        SchemaRegistry registry = SchemaRegistry.open(new FileSchemaStore(dir.resolve("state")));
        return List.of(registry.register(v1, Position.ofSequence(1), T),
                registry.register(v2, Position.ofSequence(5), T), registry.register(v3, Position.ofSequence(9), T));
    }

    @Test
    void showsWhatEachSinkRecordedAndWhatIsPendingWithTheStatementsBeforeTheyRun() throws IOException {
        Path yaml = pipeline();
        List<SchemaVersion> versions = history();
        // both database sinks applied v1; the pipeline stopped before v2
        for (String sink : List.of("replica", "mirror")) {
            new FileSchemaStore(dir.resolve("state"), SchemaGate.fileName(sink)).save(List.of(versions.get(0)));
        }

        Cli r = Cli.run("schema", "plan", yaml.toString());

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("schema plan of pipeline 'p' (" + dir.resolve("state/schema-history.json")
                        + "): 1 table, 3 sinks")
                .contains("sink 'replica' (jdbc, schema-policy evolve):")
                .contains("  shop.orders v1 at {sequence=1}: recorded (the sink has it, its current version): create"
                        + " table shop.orders")
                .contains("      CREATE TABLE IF NOT EXISTS \"orders\" (\"id\" bigint NOT NULL, \"qty\" integer,"
                        + " \"label\" varchar(20), \"__cdc_sort_key\" varchar(64) COLLATE \"C\", PRIMARY KEY (\"id\"))")
                .contains("  shop.orders v2 at {sequence=5}: PENDING, will be applied: alter column qty type int32 ->"
                        + " int64 (BACKWARD), alter column label type string -> string (varchar(20) -> varchar(200))"
                        + " (FULL)")
                .contains("      ALTER TABLE \"orders\" ALTER COLUMN \"qty\" TYPE bigint USING \"qty\"::bigint")
                .contains("      ALTER TABLE \"orders\" ALTER COLUMN \"label\" TYPE varchar(200) USING"
                        + " \"label\"::varchar(200)")
                .contains("  shop.orders v3 at {sequence=9}: PENDING, will be applied: alter column qty type int64 ->"
                        + " date (BREAKING)")
                .contains("      ALTER TABLE \"orders\" ALTER COLUMN \"qty\" TYPE date USING \"qty\"::date")
                // the default policy applies v2 and stops at the breaking v3, and says what evolve would run
                .contains("sink 'mirror' (jdbc, schema-policy evolve-compatible, the default):")
                .contains("      ALTER TABLE `orders` MODIFY COLUMN `qty` bigint")
                .contains("      ALTER TABLE `orders` MODIFY COLUMN `label` varchar(200)")
                .contains("  shop.orders v3 at {sequence=9}: PENDING, stops the pipeline: sink 'mirror' stopped the"
                        + " pipeline at a schema change of shop.orders")
                .contains("    under schema-policy evolve the sink would run:\n      ALTER TABLE `orders` MODIFY COLUMN"
                        + " `qty` date")
                .contains("sink 'archive' (discard, schema-policy evolve-compatible, the default):")
                .contains("(sink type 'discard' does not preview its schema changes)");
        assertThat(r.err()).isEmpty();
        assertThat(Files.readString(dir.resolve("state").resolve(SchemaGate.fileName("replica"))))
                .as("the plan changes nothing").doesNotContain("\"version\" : 2");
    }

    @Test
    void aTypeTheTargetCannotHoldShowsInThePlanBeforeItRuns() throws IOException {
        Path yaml = pipeline();
        SchemaRegistry registry = SchemaRegistry.open(new FileSchemaStore(dir.resolve("state")));
        registry.register(new TableSchema(ORDERS, List.of(Column.notNull("id", DataType.int64()),
                Column.of("amount", DataType.decimal(70, 2))), List.of("id")), Position.ofSequence(1), T);

        Cli r = Cli.run("schema", "plan", yaml.toString(), "shop.orders");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("sink 'mirror'")
                .contains("CANNOT BE APPLIED: the target (mariadb) cannot hold column shop.orders.amount of type"
                        + " decimal(70,2)")
                .contains("column-types: {shop.orders.amount: ");
        assertThat(new SchemaChange.CreateTable(registry.latest(ORDERS).orElseThrow().schema()).describe())
                .startsWith("create table shop.orders");
    }

    @Test
    void theReplicaExampleIsValid() {
        Cli r = Cli.run("validate", Cli.examples().resolve("postgres-to-mariadb.yaml").toString());
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("valid").contains("replica (jdbc)");
    }
}
