package dev.cdc.schema.store;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.schema.registry.SchemaVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileSchemaStoreTest {

    private static final TableId T = TableId.of("shop", "orders");
    private static final TableSchema SCHEMA = new TableSchema(T, List.of(
            Column.notNull("id", DataType.int64()).withSourceType("bigint"),
            Column.of("note", DataType.string()).withDefault("'x'")), List.of("id"));

    /** One change of every kind, to check each survives the JSON form. */
    private static final List<SchemaChange> EVERY_CHANGE = List.of(
            new SchemaChange.CreateTable(SCHEMA),
            new SchemaChange.DropTable(T),
            new SchemaChange.RenameTable(T, TableId.of("", "orders_v2")),
            new SchemaChange.AddColumn(Column.of("n", DataType.decimal(10, 2)).withDefault("0"), Optional.of("id")),
            new SchemaChange.AddColumn(Column.of("m", DataType.arrayOf(DataType.timestamp(3))), Optional.empty()),
            new SchemaChange.DropColumn("n"),
            new SchemaChange.RenameColumn("a", "b"),
            new SchemaChange.AlterColumnType("c", DataType.other("money"), DataType.decimal()),
            new SchemaChange.AlterColumnType("s", DataType.string(), DataType.string(), Optional.of("varchar(20)"),
                    Optional.of("varchar(200)")),
            new SchemaChange.AlterColumnNullability("c", false),
            new SchemaChange.AlterColumnDefault("c", Optional.of("now()")),
            new SchemaChange.AlterColumnDefault("c", Optional.empty()),
            new SchemaChange.AlterPrimaryKey(List.of("id"), List.of()));

    @Test
    void everyChangeKindAndTypeSurvivesTheFile(@TempDir Path dir) throws IOException {
        SchemaVersion v = new SchemaVersion(T, 1, SCHEMA.fingerprint(), SCHEMA,
                Position.of(Map.of("file", "binlog.000003", "pos", "4711"), "000003-0000000000001267"),
                Instant.parse("2026-03-04T05:06:07.123456Z"), EVERY_CHANGE);
        FileSchemaStore store = new FileSchemaStore(dir.resolve("nested"));
        store.save(List.of(v));
        assertThat(new FileSchemaStore(dir.resolve("nested")).load()).containsExactly(v);
        assertThat(Files.readString(store.file())).contains("\"kind\" : \"alter-column-type\"", "\"decimal(10,2)\"");
        assertThat(dir.resolve("nested").resolve(FileSchemaStore.FILE_NAME + ".tmp")).doesNotExist();
    }

    @Test
    void noFileIsAnEmptyHistory(@TempDir Path dir) throws IOException {
        assertThat(new FileSchemaStore(dir).load()).isEmpty();
    }

    @Test
    void aBrokenFileIsAnErrorNamingIt(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(FileSchemaStore.FILE_NAME), "{\"format_version\":1,\"versions\":[{\"tab",
                StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new FileSchemaStore(dir).load())
                .isInstanceOf(IOException.class)
                .hasMessageContaining(FileSchemaStore.FILE_NAME)
                .hasMessageContaining("not valid JSON");
        Files.writeString(dir.resolve(FileSchemaStore.FILE_NAME), "{\"format_version\":1,\"versions\":[{}]}");
        assertThatThrownBy(() -> new FileSchemaStore(dir).load())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("field 'table' is missing");
        Files.writeString(dir.resolve(FileSchemaStore.FILE_NAME), "{\"format_version\":2,\"versions\":[]}");
        assertThatThrownBy(() -> new FileSchemaStore(dir).load())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format_version 2");
    }

    @Test
    void aLeftoverTempFileFromACrashDoesNotMatter(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(FileSchemaStore.FILE_NAME + ".tmp"), "half a fi");
        FileSchemaStore store = new FileSchemaStore(dir);
        assertThat(store.load()).isEmpty();
        SchemaVersion v = new SchemaVersion(T, 1, SCHEMA.fingerprint(), SCHEMA, Position.ofSequence(1),
                Instant.parse("2026-03-04T05:06:07Z"), List.of(new SchemaChange.CreateTable(SCHEMA)));
        store.save(List.of(v));
        assertThat(store.load()).containsExactly(v);
    }
}
