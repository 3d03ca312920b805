package dev.cdc.launcher;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.schema.registry.SchemaRegistry;
import dev.cdc.schema.store.FileSchemaStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaCommandTest {

    static final TableId ORDERS = TableId.of("shop", "orders");

    @TempDir
    Path dir;

    private Path pipeline(String checkpoint) throws IOException {
        Path yaml = dir.resolve("p.yaml");
        Files.writeString(yaml, """
                pipeline: p
                source: {type: generator, count: 1}
                sinks:
                  - {name: out, type: discard, schema-policy: evolve}
                  - {name: copy, type: discard}
                checkpoint: %s
                """.formatted(checkpoint));
        return yaml;
    }

    private Path state() {
        return dir.resolve("state");
    }

    private void history() {
        TableSchema v1 = new TableSchema(ORDERS, List.of(Column.notNull("id", DataType.int64()),
                Column.of("qty", DataType.int32())), List.of("id"));
        TableSchema v2 = v1.withColumns(List.of(v1.columns().get(0), Column.of("qty", DataType.int64()),
                Column.of("note", DataType.string())));
        TableSchema v3 = v2.withColumns(List.of(v2.columns().get(0), Column.of("qty", DataType.date())));
        SchemaRegistry registry = SchemaRegistry.open(new FileSchemaStore(state()));
        registry.register(v1, Position.ofSequence(1), Instant.parse("2025-01-01T00:00:00Z"));
        registry.register(v2, Position.ofSequence(7), Instant.parse("2025-01-02T00:00:00Z"));
        registry.register(v3, Position.ofSequence(9), Instant.parse("2025-01-03T00:00:00Z"));
        registry.register(new TableSchema(TableId.of("shop", "users"), List.of(Column.notNull("id", DataType.int64())),
                List.of("id")), Position.ofSequence(2), Instant.parse("2025-01-01T00:00:00Z"));
    }

    @Test
    void printsEveryVersionWithItsColumnsAndTheChangesWithTheirVerdicts() throws IOException {
        Path yaml = pipeline("{type: file, path: " + state() + "}");
        history();

        Cli r = Cli.run("schema", "history", yaml.toString());

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("schema history of pipeline 'p' (" + state().resolve("schema-history.json")
                        + "): 2 tables")
                .contains("shop.orders: 3 versions")
                .contains("  v1  at {sequence=1}  seen 2025-01-01T00:00:00Z")
                .contains("      columns: id int64 not null (key), qty int32")
                .contains("  v2  at {sequence=7}  seen 2025-01-02T00:00:00Z")
                .contains("      alter column qty type int32 -> int64  [BACKWARD]")
                .contains("      add column note string  [FULL]")
                .contains("      drop column note  [FULL]")
                .contains("      alter column qty type int64 -> date  [BREAKING]")
                .contains("      verdict: BREAKING")
                .contains("shop.users: 1 version")
                .contains("sink 'out' (schema-policy evolve): no schema accepted yet")
                .contains("sink 'copy' (schema-policy evolve-compatible, the default): no schema accepted yet");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void oneTableOnlyAndAnUnknownTableIsNamedWithTheKnownOnes() throws IOException {
        Path yaml = pipeline("{type: file, path: " + state() + "}");
        history();

        Cli one = Cli.run("schema", "history", yaml.toString(), "shop.users");
        assertThat(one.exitCode()).as(one.all()).isZero();
        assertThat(one.out()).contains("1 table").contains("shop.users: 1 version").doesNotContain("shop.orders");

        Cli unknown = Cli.run("schema", "history", yaml.toString(), "shop.order");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(unknown.err()).contains("table 'shop.order' is not in the schema history of pipeline 'p'; "
                + "did you mean 'shop.orders'? (known: shop.orders, shop.users)");
    }

    @Test
    void noHistoryYetAndNoFileCheckpointAreClearErrors() throws IOException {
        Cli none = Cli.run("schema", "history", pipeline("{type: file, path: " + state() + "}").toString());
        assertThat(none.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(none.err()).contains("pipeline 'p' has no schema history yet: "
                + state().resolve("schema-history.json") + " does not exist");

        Cli memory = Cli.run("schema", "history", pipeline("{type: memory}").toString());
        assertThat(memory.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(memory.err()).contains("keeps no schema history: its checkpoint store is 'memory'");
    }

    @Test
    void aRunPipelineLeavesAHistoryTheCommandReads() throws IOException {
        Path yaml = pipeline("{type: file, path: " + state() + "}");
        Cli run = Cli.run("run", yaml.toString());
        assertThat(run.exitCode()).as(run.all()).isZero();

        Cli r = Cli.run("schema", "history", yaml.toString());
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("demo.orders: 1 version").contains("id int64 not null (key)")
                .contains("sink 'out' (schema-policy evolve): demo.orders v1");
    }
}
