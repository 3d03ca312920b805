package dev.cdc.schema.registry;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.schema.store.FileSchemaStore;
import dev.cdc.schema.store.MemorySchemaStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaRegistryTest {

    private static final TableId ORDERS = TableId.of("public", "orders");
    private static final TableId USERS = TableId.of("public", "users");
    private static final Instant T0 = Instant.parse("2026-01-02T10:00:00Z");

    private static final TableSchema V1 = new TableSchema(ORDERS, List.of(Column.notNull("id", DataType.int64()),
            Column.of("qty", DataType.int32())), List.of("id"));
    private static final TableSchema V2 = new TableSchema(ORDERS, List.of(Column.notNull("id", DataType.int64()),
            Column.of("qty", DataType.int64()), Column.of("note", DataType.string()).withSourceType("text")),
            List.of("id"));
    private static final TableSchema V3 = V2.withColumns(List.of(Column.notNull("id", DataType.int64()),
            Column.of("qty", DataType.int64()).withDefault("0"), Column.of("note", DataType.string())));

    private static Position at(long n) {
        return Position.ofSequence(n);
    }

    @Test
    void theFirstSchemaIsVersionOneWithACreateTable() {
        SchemaRegistry registry = SchemaRegistry.open(new MemorySchemaStore());
        SchemaVersion v = registry.register(V1, at(10), T0);
        assertThat(v.version()).isEqualTo(1);
        assertThat(v.fingerprint()).isEqualTo(V1.fingerprint());
        assertThat(v.position()).isEqualTo(at(10));
        assertThat(v.seenAt()).isEqualTo(T0);
        assertThat(v.changes()).containsExactly(new SchemaChange.CreateTable(V1));
        assertThat(registry.latest(ORDERS)).contains(v);
        assertThat(registry.latest(USERS)).isEmpty();
    }

    @Test
    void aNewSchemaIsANewVersionWithTheDiff() {
        SchemaRegistry registry = SchemaRegistry.open(new MemorySchemaStore());
        registry.register(V1, at(10), T0);
        SchemaVersion v2 = registry.register(V2, at(20), T0.plusSeconds(1));
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.changes()).containsExactly(
                new SchemaChange.AddColumn(V2.column("note").orElseThrow(), Optional.of("qty")),
                new SchemaChange.AlterColumnType("qty", DataType.int32(), DataType.int64()));
        assertThat(registry.history(ORDERS)).extracting(SchemaVersion::version).containsExactly(1, 2);
    }

    @Test
    void registeringTheSameSchemaAgainIsIdempotent() {
        SchemaRegistry registry = SchemaRegistry.open(new MemorySchemaStore());
        SchemaVersion first = registry.register(V1, at(10), T0);
        assertThat(registry.register(V1, at(10), T0.plusSeconds(5))).isEqualTo(first);
        assertThat(registry.register(V1, at(15), T0.plusSeconds(6))).isEqualTo(first);
        assertThat(registry.history(ORDERS)).hasSize(1);
    }

    @Test
    void aDefaultChangeIsANewVersionThoughTheFingerprintIgnoresDefaults() {
        SchemaRegistry registry = SchemaRegistry.open(new MemorySchemaStore());
        registry.register(V2, at(10), T0);
        assertThat(V3.fingerprint()).isEqualTo(V2.fingerprint());
        SchemaVersion v = registry.register(V3, at(20), T0);
        assertThat(v.version()).isEqualTo(2);
        assertThat(v.changes()).containsExactly(new SchemaChange.AlterColumnDefault("qty", Optional.of("0")));
    }

    @Test
    void aSourceTypeChangeIsANewVersionThoughTheFingerprintIgnoresSourceTypes() {
        SchemaRegistry registry = SchemaRegistry.open(new MemorySchemaStore());
        TableSchema narrow = new TableSchema(ORDERS, List.of(Column.notNull("id", DataType.int64()),
                Column.of("label", DataType.string()).withSourceType("varchar(20)")), List.of("id"));
        TableSchema wide = narrow.withColumns(List.of(Column.notNull("id", DataType.int64()),
                Column.of("label", DataType.string()).withSourceType("varchar(200)")));
        registry.register(narrow, at(10), T0);
        assertThat(wide.fingerprint()).isEqualTo(narrow.fingerprint());
        SchemaVersion v = registry.register(wide, at(20), T0);
        assertThat(v.version()).isEqualTo(2);
        assertThat(v.changes()).containsExactly(new SchemaChange.AlterColumnType("label", DataType.string(),
                DataType.string(), Optional.of("varchar(20)"), Optional.of("varchar(200)")));
        assertThat(v.changes().get(0).describe())
                .isEqualTo("alter column label type string -> string (varchar(20) -> varchar(200))");
        assertThat(registry.register(wide.withColumns(List.of(Column.notNull("id", DataType.int64()),
                Column.of("label", DataType.string()))), at(30), T0))
                .as("a schema that does not know the source type is the same version").isEqualTo(v);
    }

    @Test
    void aReplayOfAKnownSchemaAtAnOlderPositionReturnsItsVersion() {
        SchemaRegistry registry = SchemaRegistry.open(new MemorySchemaStore());
        SchemaVersion v1 = registry.register(V1, at(10), T0);
        SchemaVersion v2 = registry.register(V2, at(20), T0);
        SchemaVersion v3 = registry.register(V1, at(30), T0);
        assertThat(v3.version()).as("a revert to an earlier shape later in the log is a new version").isEqualTo(3);

        assertThat(registry.register(V2, at(25), T0)).isEqualTo(v2);
        assertThat(registry.register(V1, at(12), T0)).isEqualTo(v1);
        assertThat(registry.register(V1, at(22), T0)).as("the last same-shape version in effect").isEqualTo(v1);
        assertThat(registry.register(V2, at(5), T0)).as("no version in effect: the first with that shape")
                .isEqualTo(v2);
        assertThat(registry.history(ORDERS)).hasSize(3);
    }

    @Test
    void aReplayOfAnUnknownSchemaIsAnErrorThatNamesTheTable() {
        SchemaRegistry registry = SchemaRegistry.open(new MemorySchemaStore());
        registry.register(V1, at(10), T0);
        registry.register(V2, at(20), T0);
        TableSchema unknown = V1.withColumns(List.of(Column.notNull("id", DataType.int64())));
        assertThatThrownBy(() -> registry.register(unknown, at(15), T0))
                .isInstanceOf(CdcException.class)
                .hasMessageContaining("public.orders")
                .hasMessageContaining("version 2");
    }

    @Test
    void versionAtUsesTheSortKey() {
        SchemaRegistry registry = SchemaRegistry.open(new MemorySchemaStore());
        registry.register(V1, at(10), T0);
        registry.register(V2, at(20), T0);
        assertThat(registry.versionAt(ORDERS, at(9))).isEmpty();
        assertThat(registry.versionAt(ORDERS, at(10))).map(SchemaVersion::version).contains(1);
        assertThat(registry.versionAt(ORDERS, at(19))).map(SchemaVersion::version).contains(1);
        assertThat(registry.versionAt(ORDERS, at(20))).map(SchemaVersion::version).contains(2);
        assertThat(registry.versionAt(ORDERS, at(1_000))).map(SchemaVersion::version).contains(2);
        assertThat(registry.versionAt(USERS, at(1_000))).isEmpty();
    }

    @Test
    void knownRenamesMakeARenameChange() {
        SchemaRegistry registry = SchemaRegistry.open(new MemorySchemaStore());
        registry.register(V1, at(10), T0);
        TableSchema renamed = V1.withColumns(List.of(Column.notNull("id", DataType.int64()),
                Column.of("quantity", DataType.int32())));
        SchemaVersion v = registry.register(renamed, at(20), T0, Map.of("qty", "quantity"));
        assertThat(v.changes()).containsExactly(new SchemaChange.RenameColumn("qty", "quantity"));
    }

    @Test
    void aNewRegistryOnTheSameDirectoryKnowsEveryVersion(@TempDir Path dir) {
        SchemaRegistry registry = SchemaRegistry.open(new FileSchemaStore(dir));
        registry.register(V1, at(10), T0);
        registry.register(V2, at(20), T0.plusMillis(1500));
        registry.register(V3, at(30), T0.plusSeconds(3));
        TableSchema users = new TableSchema(USERS, List.of(Column.notNull("id", DataType.uuid()),
                Column.of("tags", DataType.arrayOf(DataType.string())), Column.of("price", DataType.decimal(10, 2)),
                Column.of("at", DataType.timestampTz(6)), Column.of("span", DataType.other("interval"))), List.of("id"));
        registry.register(users, Position.of(Map.of("lsn", "16/B374D848", "tx", "3"), "0000016b374d848-0003"), T0);
        TableSchema renamed = V3.withColumns(List.of(Column.notNull("id", DataType.int64()),
                Column.of("quantity", DataType.int64()).withDefault("0"), Column.of("note", DataType.string())));
        registry.register(renamed, at(40), T0, Map.of("qty", "quantity"));

        SchemaRegistry reopened = SchemaRegistry.open(new FileSchemaStore(dir));
        assertThat(reopened.tables()).containsExactly(ORDERS, USERS);
        assertThat(reopened.history(ORDERS)).isEqualTo(registry.history(ORDERS)).hasSize(4);
        assertThat(reopened.history(USERS)).isEqualTo(registry.history(USERS)).hasSize(1);
        assertThat(reopened.register(V2, at(25), T0)).isEqualTo(registry.history(ORDERS).get(1));
        SchemaVersion v5 = reopened.register(V1.withColumns(List.of(Column.notNull("id", DataType.int64()))), at(50), T0);
        assertThat(v5.version()).isEqualTo(5);
        assertThat(SchemaRegistry.open(new FileSchemaStore(dir)).history(ORDERS)).hasSize(5);
    }

    @Test
    void aVersionTheStoreCannotSaveIsNotKept() {
        MemorySchemaStore memory = new MemorySchemaStore();
        List<Integer> saves = new ArrayList<>();
        SchemaStore failing = new SchemaStore() {
            @Override
            public List<SchemaVersion> load() {
                return memory.load();
            }

            @Override
            public void save(List<SchemaVersion> versions) throws IOException {
                saves.add(versions.size());
                if (versions.size() > 1) {
                    throw new IOException("disk full");
                }
                memory.save(versions);
            }
        };
        SchemaRegistry registry = SchemaRegistry.open(failing);
        registry.register(V1, at(10), T0);
        assertThatThrownBy(() -> registry.register(V2, at(20), T0))
                .isInstanceOf(CdcException.class)
                .hasMessageContaining("version 2")
                .hasMessageContaining("disk full");
        assertThat(registry.history(ORDERS)).hasSize(1);
        assertThat(saves).containsExactly(1, 2);
    }

    @Test
    void aDamagedHistoryIsRefusedWhenOpened() {
        MemorySchemaStore store = new MemorySchemaStore();
        store.save(List.of(new SchemaVersion(ORDERS, 2, V1.fingerprint(), V1, at(1), T0, List.of())));
        assertThatThrownBy(() -> SchemaRegistry.open(store))
                .isInstanceOf(CdcException.class)
                .hasMessageContaining("version 2 of public.orders where version 1 was expected");
    }

    @Test
    void concurrentRegistrationsOfOneSchemaMakeOneVersion() throws Exception {
        SchemaRegistry registry = SchemaRegistry.open(new MemorySchemaStore());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<SchemaVersion>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                TableSchema schema = i % 2 == 0 ? V1 : new TableSchema(USERS, V1.columns(), V1.primaryKey());
                results.add(pool.submit(() -> {
                    start.await();
                    return registry.register(schema, at(10), T0);
                }));
            }
            start.countDown();
            for (Future<SchemaVersion> r : results) {
                assertThat(r.get(10, TimeUnit.SECONDS).version()).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.history(ORDERS)).hasSize(1);
        assertThat(registry.history(USERS)).hasSize(1);
    }
}
