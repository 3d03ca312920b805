package dev.cdc.source.mysql.binlog;

import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.source.mysql.schema.ColumnRenames;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The changes a deferred schema change carries when its statements rename columns. */
class RenamedColumnsTest {

    private static final TableId T = TableId.of("test", "myrename_unit");

    private static TableSchema schema(Column... columns) {
        return new TableSchema(T, List.of(columns), List.of(columns[0].name()));
    }

    @Test
    void aRenameIsReportedWithTheRestOfTheDiff() {
        TableSchema before = schema(Column.notNull("id", DataType.int32()), Column.of("a", DataType.int32()));
        TableSchema after = schema(Column.notNull("id", DataType.int32()), Column.of("b", DataType.int64()));
        assertThat(ColumnRenames.changes(before, after, List.of("ALTER TABLE t CHANGE `A` b BIGINT")))
                .containsExactly(new SchemaChange.RenameColumn("a", "b"),
                        new SchemaChange.AlterColumnType("b", DataType.int32(), DataType.int64()));
    }

    @Test
    void chainedRenamesOfSeveralStatementsAndAnAddedColumn() {
        TableSchema before = schema(Column.notNull("id", DataType.int32()), Column.of("a", DataType.int32()));
        TableSchema after = schema(Column.notNull("id", DataType.int32()), Column.of("c", DataType.int32()),
                Column.of("d", DataType.int32()));
        assertThat(ColumnRenames.changes(before, after, List.of("ALTER TABLE t RENAME COLUMN a TO b",
                "ALTER TABLE t RENAME COLUMN b TO c, ADD COLUMN d INT")))
                .containsExactly(new SchemaChange.RenameColumn("a", "c"),
                        new SchemaChange.AddColumn(Column.of("d", DataType.int32()), Optional.of("c")));
    }

    @Test
    void withoutRenamesOrWithRenamesThatDoNotFitTheEngineDiffsByName() {
        TableSchema before = schema(Column.notNull("id", DataType.int32()), Column.of("a", DataType.int32()));
        TableSchema after = schema(Column.notNull("id", DataType.int32()), Column.of("b", DataType.int32()));
        assertThat(ColumnRenames.changes(before, after, List.of("ALTER TABLE t DROP a, ADD b INT"))).isEmpty();
        assertThat(ColumnRenames.changes(before, after, List.of("ALTER TABLE t RENAME COLUMN x TO b")))
                .isEmpty();
        assertThat(ColumnRenames.changes(before, after, List.of())).isEmpty();
    }
}
