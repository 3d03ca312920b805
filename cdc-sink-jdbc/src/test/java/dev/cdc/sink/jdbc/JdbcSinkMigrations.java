package dev.cdc.sink.jdbc;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Migrations and the write modes beyond the contract, against one database: every kind of change
 * applied once and again (a replay, or a crash before the engine recorded it) leaves the same table;
 * renamed tables keep their tombstones; dropped columns kept under drop-columns keep; a new key;
 * keyless tables in append mode; a truncate that an older replay cannot undo; rows without a schema.
 */
abstract class JdbcSinkMigrations {

    private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");
    final String name = "mig_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
    private long position = 1;

    abstract JdbcTarget database();

    @AfterEach
    void dropTables() throws Exception {
        database().dropTables(name, name + "_b", name + "_tomb");
    }

    Sink sink(Map<String, Object> more) throws Exception {
        Map<String, Object> options = new HashMap<>(database().options(name).entrySet().stream()
                .filter(e -> !e.getKey().equals("table-name")).collect(java.util.stream.Collectors.toMap(
                        Map.Entry::getKey, Map.Entry::getValue)));
        options.putAll(more);
        JdbcSinkFactory f = new JdbcSinkFactory();
        Sink sink = f.create(PluginContext.of(Configuration.of(f.options(), options), "migrations", "replica"));
        sink.open();
        return sink;
    }

    private Position next() {
        return Position.ofSequence(position++);
    }

    private SchemaChangeEvent change(TableSchema before, TableSchema after, SchemaChange... changes) {
        return new SchemaChangeEvent(after.table(), Optional.ofNullable(before), Optional.of(after), List.of(changes),
                Optional.empty(), next(), T);
    }

    private ChangeEvent upsert(TableId t, Row row) {
        return ChangeEvent.update(t, row.project(List.of("id")), null, row, T, next());
    }

    private void write(Sink sink, ChangeEvent... events) throws Exception {
        sink.write(List.of(events));
        sink.flush();
    }

    /** The rows of the table by id: column (lower case) to value as text. */
    Map<Object, Map<String, String>> rows(String table) throws Exception {
        Map<Object, Map<String, String>> out = new TreeMap<>();
        for (Row r : database().rows(table)) {
            Map<String, String> row = new TreeMap<>();
            r.asMap().forEach((c, v) -> {
                if (!c.equalsIgnoreCase("__cdc_sort_key")) {
                    row.put(c.toLowerCase(java.util.Locale.ROOT), v == null ? null : v.toString());
                }
            });
            out.put(String.valueOf(r.get("id")), row);
        }
        return out;
    }

    @Test
    void everyChangeAppliedTwiceLeavesTheSameTable() throws Exception {
        TableId t = TableId.of("shop", name);
        TableSchema v1 = new TableSchema(t, List.of(Column.notNull("id", DataType.int64()),
                Column.of("qty", DataType.int32()), Column.of("label", DataType.string()).withSourceType("varchar(20)"),
                Column.of("note", DataType.string())), List.of("id"));
        TableSchema v2 = new TableSchema(t, List.of(Column.notNull("id", DataType.int64()),
                Column.notNull("qty", DataType.int64()).withDefault("0"),
                Column.of("title", DataType.string()).withSourceType("varchar(200)"),
                Column.of("extra", DataType.int32()).withDefault("7")), List.of("id"));
        List<SchemaChangeEvent> changes = List.of(SchemaChangeEvent.of(v1, next(), T), change(v1, v2,
                new SchemaChange.DropColumn("note"),
                new SchemaChange.RenameColumn("label", "title"),
                new SchemaChange.AddColumn(v2.column("extra").orElseThrow(), Optional.of("title")),
                new SchemaChange.AlterColumnType("qty", DataType.int32(), DataType.int64()),
                new SchemaChange.AlterColumnType("title", DataType.string(), DataType.string(),
                        Optional.of("varchar(20)"), Optional.of("varchar(200)")),
                new SchemaChange.AlterColumnNullability("qty", false),
                new SchemaChange.AlterColumnDefault("qty", Optional.of("0"))));
        try (Sink sink = sink(Map.of())) {
            sink.applySchemaChange(changes.get(0));
            write(sink, upsert(t, Row.of("id", 1L, "qty", 1, "label", "one", "note", "n")));
            sink.applySchemaChange(changes.get(1));
            Map<Object, Map<String, String>> once = rows(name);
            sink.applySchemaChange(changes.get(1)); // again: every step finds itself done
            assertThat(rows(name)).isEqualTo(once);
            write(sink, upsert(t, Row.of("id", 2L, "qty", 5_000_000_000L, "title", "x".repeat(150))));
        }
        try (Sink restarted = sink(Map.of())) { // a new instance, as after a crash, applies it a third time
            restarted.applySchemaChange(changes.get(1));
        }
        assertThat(rows(name)).containsOnlyKeys("1", "2");
        assertThat(rows(name).get("1")).containsEntry("title", "one").containsEntry("extra", "7")
                .doesNotContainKeys("note", "label");
        assertThat(rows(name).get("2")).containsEntry("qty", "5000000000").containsEntry("title", "x".repeat(150));
    }

    @Test
    void droppedColumnsAreKeptUnderKeepAndRowsLeaveThemAlone() throws Exception {
        TableId t = TableId.of("shop", name);
        TableSchema v1 = new TableSchema(t, List.of(Column.notNull("id", DataType.int64()),
                Column.notNull("note", DataType.string())), List.of("id"));
        TableSchema v2 = v1.withColumns(List.of(v1.columns().get(0)));
        try (Sink sink = sink(Map.of("drop-columns", "keep"))) {
            sink.applySchemaChange(SchemaChangeEvent.of(v1, next(), T));
            write(sink, upsert(t, Row.of("id", 1L, "note", "kept")));
            sink.applySchemaChange(change(v1, v2, new SchemaChange.DropColumn("note")));
            write(sink, upsert(t, Row.of("id", 1L)), upsert(t, Row.of("id", 2L)));
        }
        assertThat(rows(name).get("1")).containsEntry("note", "kept");
        assertThat(rows(name).get("2")).containsEntry("note", null);
    }

    @Test
    void aRenamedTableKeepsItsRowsAndTombstonesAndANewKeyIsApplied() throws Exception {
        TableId t = TableId.of("shop", name);
        TableId renamed = TableId.of("shop", name + "_b");
        TableSchema v1 = new TableSchema(t, List.of(Column.notNull("id", DataType.int64()),
                Column.notNull("part", DataType.int32())), List.of("id"));
        TableSchema v2 = new TableSchema(renamed, v1.columns(), List.of("id", "part"));
        try (Sink sink = sink(Map.of())) {
            sink.applySchemaChange(SchemaChangeEvent.of(v1, next(), T));
            ChangeEvent old = upsert(t, Row.of("id", 1L, "part", 1));
            write(sink, old, upsert(t, Row.of("id", 2L, "part", 1)));
            write(sink, ChangeEvent.delete(t, Row.of("id", 1L), null, T, next()));
            sink.applySchemaChange(new SchemaChangeEvent(t, Optional.of(v1), Optional.empty(),
                    List.of(new SchemaChange.RenameTable(t, renamed)), Optional.empty(), next(), T));
            // the old insert replayed under the new name: its tombstone moved with the table
            write(sink, old.withTable(renamed));
            sink.applySchemaChange(change(v1.withTable(renamed), v2,
                    new SchemaChange.AlterPrimaryKey(List.of("id"), List.of("id", "part"))));
            write(sink, ChangeEvent.insert(renamed, Row.of("id", 2L, "part", 2), Row.of("id", 2L, "part", 2), T, next()));
        }
        assertThat(rows(name)).isEmpty();
        List<Row> rows = database().rows(name + "_b");
        assertThat(rows).extracting(r -> r.get("part").toString()).containsExactlyInAnyOrder("1", "2");
    }

    @Test
    void keylessTablesFailClearlyOrAreAppendedOnce() throws Exception {
        TableId t = TableId.of("shop", name);
        TableSchema keyless = new TableSchema(t, List.of(Column.of("id", DataType.int64()),
                Column.of("what", DataType.string())), List.of());
        ChangeEvent first = ChangeEvent.insert(t, Row.empty(), Row.of("id", 1L, "what", "a"), T, next());
        ChangeEvent second = ChangeEvent.insert(t, Row.empty(), Row.of("id", 1L, "what", "a"), T, next());
        try (Sink sink = sink(Map.of())) {
            sink.applySchemaChange(SchemaChangeEvent.of(keyless, next(), T));
            assertThatThrownBy(() -> write(sink, first)).isInstanceOf(CdcException.class)
                    .hasMessageContaining("has no primary key, under keyless-tables: fail")
                    .hasMessageContaining("keyless-tables: append");
        }
        database().dropTables(name);
        try (Sink sink = sink(Map.of("keyless-tables", "append"))) {
            sink.applySchemaChange(SchemaChangeEvent.of(keyless, next(), T));
            write(sink, first, second);
            write(sink, first, second); // a replay appends nothing
            assertThatThrownBy(() -> write(sink, ChangeEvent.update(t, Row.empty(), null, Row.of("id", 1L), T, next())))
                    .hasMessageContaining("only inserts and snapshot rows are written");
        }
        assertThat(database().rows(name)).hasSize(2);
    }

    @Test
    void anOlderReplayAfterATruncateStaysOutAndUnchangedColumnsStay() throws Exception {
        TableId t = TableId.of("shop", name);
        ChangeEvent old = upsert(t, Row.of("id", 1L, "note", "old"));
        try (Sink sink = sink(Map.of())) {
            // no schema: the table is made from the rows
            write(sink, old, upsert(t, Row.of("id", 2L, "note", "two")));
            write(sink, ChangeEvent.truncate(t, T, next()), upsert(t, Row.of("id", 3L, "note", "three")));
            write(sink, old);
            write(sink, upsert(t, Row.of("id", 3L, "note", Unchanged.VALUE, "more", 5L)));
        }
        assertThat(rows(name)).containsOnlyKeys("3");
        assertThat(rows(name).get("3")).containsEntry("note", "three").containsEntry("more", "5");
    }
}
