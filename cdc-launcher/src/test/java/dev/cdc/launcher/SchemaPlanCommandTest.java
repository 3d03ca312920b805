package dev.cdc.launcher;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.core.schema.HeldChanges;
import dev.cdc.core.schema.SchemaGate;
import dev.cdc.schema.registry.SchemaRegistry;
import dev.cdc.schema.registry.SchemaVersion;
import dev.cdc.schema.store.FileSchemaStore;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cdc schema plan}: recorded and pending changes per sink, the policy's decisions, the sinks' statements;
 * {@code cdc schema approve} / {@code reject}.
 */
class SchemaPlanCommandTest {

    private static final TableId ORDERS = TableId.of("shop", "orders");
    private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private Path pipeline() throws IOException {
        return pipeline(dir, """
                  - {name: replica, type: jdbc, url: "jdbc:postgresql://db.invalid:5432/x", schema-policy: evolve}
                  - {name: mirror, type: jdbc, url: "jdbc:mariadb://db.invalid:3306/x"}
                  - {name: archive, type: discard}
                """);
    }

    /** {@code dir/p.yaml}: pipeline 'p', a generator, the sinks given (YAML list items), a file checkpoint in {@code dir/state}. */
    static Path pipeline(Path dir, String sinks) throws IOException {
        return Files.writeString(dir.resolve("p.yaml"), "pipeline: p\nsource: {type: generator, count: 1}\nsinks:\n"
                + sinks + "checkpoint: {type: file, path: " + dir.resolve("state") + "}\n");
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

    /**
     * {@code cdc schema approve} / {@code reject} over a state directory (no server): what they write,
     * what they refuse, and how {@code cdc schema plan} shows held, approved and rejected changes.
     */
    @Nested
    class ApproveAndReject {

        private Path manualPipeline() throws IOException {
            return SchemaPlanCommandTest.pipeline(dir, """
                      - {name: replica, type: jdbc, url: "jdbc:mariadb://db.invalid:3306/x", schema-policy: manual}
                      - {name: archive, type: discard, schema-policy: ignore}
                    """);
        }

        /** v1 accepted by the sink, v2 (add note) held by its lane, v3 (add tag) still to come. */
        private void heldAtV2() throws IOException {
            TableSchema v1 = new TableSchema(ORDERS, List.of(Column.notNull("id", DataType.int64()),
                    Column.of("qty", DataType.int32())), List.of("id"));
            TableSchema v2 = v1.withColumns(List.of(v1.columns().get(0), v1.columns().get(1),
                    Column.of("note", DataType.string())));
            TableSchema v3 = v2.withColumns(List.of(v2.columns().get(0), v2.columns().get(1), v2.columns().get(2),
                    Column.of("tag", DataType.int32())));
            SchemaRegistry registry = SchemaRegistry.open(new FileSchemaStore(dir.resolve("state")));
            SchemaVersion first = registry.register(v1, Position.ofSequence(1), T);
            registry.register(v2, Position.ofSequence(5), T);
            registry.register(v3, Position.ofSequence(9), T);
            new FileSchemaStore(dir.resolve("state"), SchemaGate.fileName("replica")).save(List.of(first));
            HeldChanges.in(dir.resolve("state"), "replica").hold(new HeldChanges.Held("replica", ORDERS, 2,
                    Position.ofSequence(5), "add column note string (FULL)",
                    List.of("ALTER TABLE `orders` ADD COLUMN IF NOT EXISTS `note` longtext"), T, Optional.empty()));
        }

        @Test
        void thePlanShowsTheHeldChangeAndTheOneToBeHeldThenTheApprovalIsRecordedOnce() throws IOException {
            Path yaml = manualPipeline();
            heldAtV2();

            Cli plan = Cli.run("schema", "plan", yaml.toString());
            assertThat(plan.exitCode()).as(plan.all()).isZero();
            assertThat(plan.out()).contains("sink 'replica' (jdbc, schema-policy manual):")
                    .contains("  shop.orders v2 at {sequence=5}: PENDING, HELD since 2025-01-01T00:00:00Z (schema-policy "
                            + "manual; the sink's lane waits there): add column note string (FULL)")
                    .contains("    approve: cdc schema approve FILE replica 2 --table shop.orders    reject: cdc schema"
                            + " reject FILE replica 2 --table shop.orders")
                    .contains("      ALTER TABLE `orders` ADD COLUMN IF NOT EXISTS `note` longtext")
                    .contains("  shop.orders v3 at {sequence=9}: PENDING, will be held for approval (schema-policy "
                            + "manual): add column tag int32 (FULL)")
                    .contains("      ALTER TABLE `orders` ADD COLUMN IF NOT EXISTS `tag` int");

            Cli approve = Cli.run("schema", "approve", yaml.toString(), "replica", "2");
            assertThat(approve.exitCode()).as(approve.all()).isZero();
            assertThat(approve.out()).contains("approved: sink 'replica' holds shop.orders v2 at {sequence=5}: add column "
                    + "note string (FULL)").contains("The sink runs:\n  ALTER TABLE `orders` ADD COLUMN IF NOT EXISTS "
                    + "`note` longtext").contains("A running pipeline goes on within a second; a stopped one when it next "
                    + "starts");
            assertThat(dir.resolve("state/schema-pending/replica/shop.orders-v2.approved")).isRegularFile();
            assertThat(Cli.run("schema", "plan", yaml.toString()).out())
                    .contains("v2 at {sequence=5}: PENDING, HELD and APPROVED (applied when the lane goes on)");

            Cli again = Cli.run("schema", "approve", yaml.toString(), "replica", "2", "--table", "shop.orders");
            assertThat(again.exitCode()).isZero();
            assertThat(again.out()).contains("shop.orders v2 of sink 'replica' was already approved");
            Cli reject = Cli.run("schema", "reject", yaml.toString(), "replica", "2");
            assertThat(reject.exitCode()).isEqualTo(ExitCodes.FAILED);
            assertThat(reject.err()).contains("shop.orders v2 of sink 'replica' was already approved")
                    .contains("a decision is final once made");
        }

        @Test
        void aRejectionIsShownAsSuchAndWrongInputIsNamed() throws IOException {
            Path yaml = manualPipeline();
            heldAtV2();

            Cli reject = Cli.run("schema", "reject", yaml.toString(), "replica", "2");
            assertThat(reject.exitCode()).as(reject.all()).isZero();
            assertThat(reject.out()).contains("rejected: sink 'replica' holds shop.orders v2")
                    .contains("The sink keeps its schema of shop.orders (as schema-policy ignore)");
            assertThat(Cli.run("schema", "plan", yaml.toString()).out())
                    .contains("v2 at {sequence=5}: PENDING, REJECTED (the sink keeps its schema, as under ignore)");

            assertThat(Cli.run("schema", "approve", yaml.toString(), "replica", "3").err())
                    .contains("cdc schema approve: sink 'replica' holds no v3; it holds: shop.orders v2 (rejected)");
            assertThat(Cli.run("schema", "approve", yaml.toString(), "replica", "2", "--table", "shop.items").err())
                    .contains("sink 'replica' holds no v2 of table shop.items");
            assertThat(Cli.run("schema", "approve", yaml.toString(), "archive", "2").err())
                    .contains("sink 'archive' has schema-policy 'ignore', which holds no change for approval");
            Cli unknown = Cli.run("schema", "approve", yaml.toString(), "replika", "2");
            assertThat(unknown.exitCode()).isEqualTo(ExitCodes.INVALID);
            assertThat(unknown.err()).contains("pipeline 'p' (" + yaml + ") has no sink 'replika'; did you mean "
                    + "'replica'? (its sinks: replica, archive)");
            Cli missing = Cli.run("schema", "approve", dir.resolve("nope.yaml").toString(), "replica", "2");
            assertThat(missing.exitCode()).isEqualTo(ExitCodes.INVALID);
            assertThat(missing.err()).contains("nope.yaml");
            Cli usage = Cli.run("schema", "approve", yaml.toString(), "replica");
            assertThat(usage.exitCode()).isEqualTo(ExitCodes.INVALID);
            assertThat(usage.err()).contains("Missing required parameter: 'VERSION'");
        }

        @Test
        void aSinkWithNothingHeldSaysSo() throws IOException {
            Path yaml = manualPipeline();
            Files.createDirectories(dir.resolve("state"));
            Cli r = Cli.run("schema", "approve", yaml.toString(), "replica", "2");
            assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID);
            assertThat(r.err()).contains("sink 'replica' holds no v2; it holds no schema change at all")
                    .contains("cdc schema plan " + yaml);
        }
    }
}
