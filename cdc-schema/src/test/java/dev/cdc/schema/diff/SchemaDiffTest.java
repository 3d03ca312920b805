package dev.cdc.schema.diff;

import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SchemaDiffTest {

    private static final TableId T = TableId.of("public", "orders");
    private static final Column ID = Column.notNull("id", DataType.int64());
    private static final Column NAME = Column.of("name", DataType.string());
    private static final Column QTY = Column.of("qty", DataType.int32());
    private static final Column EMAIL = Column.of("email", DataType.string());

    private static TableSchema schema(List<String> key, Column... columns) {
        return new TableSchema(T, List.of(columns), key);
    }

    private static TableSchema schema(Column... columns) {
        return schema(List.of("id"), columns);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("nothing changed", schema(ID, NAME), schema(ID, NAME), Map.of(), List.of()),
                arguments("column moved is not a change", schema(ID, NAME, QTY), schema(ID, QTY, NAME), Map.of(),
                        List.of()),
                arguments("add column at the end", schema(ID, NAME), schema(ID, NAME, EMAIL), Map.of(),
                        List.of(new SchemaChange.AddColumn(EMAIL, Optional.of("name")))),
                arguments("add column first", schema(ID, NAME), schema(EMAIL, ID, NAME), Map.of(),
                        List.of(new SchemaChange.AddColumn(EMAIL, Optional.empty()))),
                arguments("add two columns, each after the previous", schema(ID), schema(ID, NAME, EMAIL), Map.of(),
                        List.of(new SchemaChange.AddColumn(NAME, Optional.of("id")),
                                new SchemaChange.AddColumn(EMAIL, Optional.of("name")))),
                arguments("add column with default", schema(ID),
                        schema(ID, Column.notNull("qty", DataType.int32()).withDefault("0")), Map.of(),
                        List.of(new SchemaChange.AddColumn(Column.notNull("qty", DataType.int32()).withDefault("0"),
                                Optional.of("id")))),
                arguments("drop column", schema(ID, NAME, QTY), schema(ID, QTY), Map.of(),
                        List.of(new SchemaChange.DropColumn("name"))),
                arguments("drop plus add without known rename", schema(ID, NAME), schema(ID, EMAIL), Map.of(),
                        List.of(new SchemaChange.DropColumn("name"), new SchemaChange.AddColumn(EMAIL, Optional.of("id")))),
                arguments("known rename", schema(ID, NAME), schema(ID, NAME.withName("title")), Map.of("name", "title"),
                        List.of(new SchemaChange.RenameColumn("name", "title"))),
                arguments("known rename and retype", schema(ID, QTY),
                        schema(ID, Column.of("amount", DataType.int64())), Map.of("qty", "amount"),
                        List.of(new SchemaChange.RenameColumn("qty", "amount"),
                                new SchemaChange.AlterColumnType("amount", DataType.int32(), DataType.int64()))),
                arguments("rename onto a dropped column's name", schema(ID, NAME, EMAIL), schema(ID, NAME.withName("email")),
                        Map.of("name", "email"),
                        List.of(new SchemaChange.DropColumn("email"), new SchemaChange.RenameColumn("name", "email"))),
                arguments("rename chain: the freed name is taken after it is freed", schema(ID, NAME, EMAIL),
                        schema(ID, NAME.withName("email"), EMAIL.withName("mail")), Map.of("name", "email", "email", "mail"),
                        List.of(new SchemaChange.RenameColumn("email", "mail"), new SchemaChange.RenameColumn("name", "email"))),
                arguments("alter type", schema(ID, QTY), schema(ID, QTY.withType(DataType.int64())), Map.of(),
                        List.of(new SchemaChange.AlterColumnType("qty", DataType.int32(), DataType.int64()))),
                arguments("alter nullability to not null", schema(ID, QTY), schema(ID, QTY.withNullable(false)), Map.of(),
                        List.of(new SchemaChange.AlterColumnNullability("qty", false))),
                arguments("alter nullability to null", schema(ID, QTY.withNullable(false)), schema(ID, QTY), Map.of(),
                        List.of(new SchemaChange.AlterColumnNullability("qty", true))),
                arguments("set default", schema(ID, QTY), schema(ID, QTY.withDefault("1")), Map.of(),
                        List.of(new SchemaChange.AlterColumnDefault("qty", Optional.of("1")))),
                arguments("drop default", schema(ID, QTY.withDefault("1")), schema(ID, QTY), Map.of(),
                        List.of(new SchemaChange.AlterColumnDefault("qty", Optional.empty()))),
                arguments("type, nullability and default of one column, in that order", schema(ID, QTY),
                        schema(ID, Column.notNull("qty", DataType.int64()).withDefault("0")), Map.of(),
                        List.of(new SchemaChange.AlterColumnType("qty", DataType.int32(), DataType.int64()),
                                new SchemaChange.AlterColumnNullability("qty", false),
                                new SchemaChange.AlterColumnDefault("qty", Optional.of("0")))),
                arguments("a source type change with the same logical type is a type change",
                        schema(ID, NAME.withSourceType("varchar(10)")), schema(ID, NAME.withSourceType("varchar(20)")),
                        Map.of(), List.of(new SchemaChange.AlterColumnType("name", DataType.string(), DataType.string(),
                                Optional.of("varchar(10)"), Optional.of("varchar(20)")))),
                arguments("source types differing in case and spaces only are the same",
                        schema(ID, NAME.withSourceType("VARCHAR(10)")), schema(ID, NAME.withSourceType("varchar (10)")),
                        Map.of(), List.of()),
                arguments("a source type known on one side only is not a change", schema(ID, NAME),
                        schema(ID, NAME.withSourceType("varchar(20)")), Map.of(), List.of()),
                arguments("key added", schema(List.of(), ID, NAME), schema(ID, NAME), Map.of(),
                        List.of(new SchemaChange.AlterPrimaryKey(List.of(), List.of("id")))),
                arguments("key widened to a new column, added first and key changed last", schema(ID),
                        schema(List.of("id", "name"), ID, NAME), Map.of(),
                        List.of(new SchemaChange.AddColumn(NAME, Optional.of("id")),
                                new SchemaChange.AlterPrimaryKey(List.of("id"), List.of("id", "name")))),
                arguments("key column dropped: drop first, key change last", schema(List.of("id", "name"), ID, NAME),
                        schema(ID), Map.of(),
                        List.of(new SchemaChange.DropColumn("name"),
                                new SchemaChange.AlterPrimaryKey(List.of("id", "name"), List.of("id")))),
                arguments("key column renamed is not a key change", schema(ID, NAME),
                        schema(List.of("order_id"), ID.withName("order_id"), NAME), Map.of("id", "order_id"),
                        List.of(new SchemaChange.RenameColumn("id", "order_id"))),
                arguments("everything at once, in the documented order", schema(ID, NAME, QTY),
                        schema(List.of("id", "email"), ID, QTY.withType(DataType.int64()), EMAIL), Map.of(),
                        List.of(new SchemaChange.DropColumn("name"),
                                new SchemaChange.AddColumn(EMAIL, Optional.of("qty")),
                                new SchemaChange.AlterColumnType("qty", DataType.int32(), DataType.int64()),
                                new SchemaChange.AlterPrimaryKey(List.of("id"), List.of("id", "email")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void diff(String name, TableSchema before, TableSchema after, Map<String, String> renames,
              List<SchemaChange> expected) {
        assertThat(SchemaDiff.between(before, after, renames)).containsExactlyElementsOf(expected);
    }

    @Test
    void noBeforeIsACreateTable() {
        TableSchema after = schema(ID, NAME);
        assertThat(SchemaDiff.between(Optional.empty(), after, Map.of()))
                .containsExactly(new SchemaChange.CreateTable(after));
        assertThat(SchemaDiff.between(Optional.of(after), after, Map.of())).isEmpty();
    }

    @Test
    void aRenameCycleIsRejected() {
        assertThatThrownBy(() -> SchemaDiff.between(schema(ID, NAME, EMAIL),
                schema(ID, NAME.withName("email"), EMAIL.withName("name")), Map.of("name", "email", "email", "name")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cycle");
    }

    @Test
    void aRenameOfAnUnknownColumnIsRejectedWithTheColumns() {
        assertThatThrownBy(() -> SchemaDiff.between(schema(ID, NAME), schema(ID, EMAIL), Map.of("nom", "email")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nom' is not a column of the old schema")
                .hasMessageContaining("[id, name]");
        assertThatThrownBy(() -> SchemaDiff.between(schema(ID, NAME), schema(ID, EMAIL), Map.of("name", "mail")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'mail' is not a column of the new schema");
    }

    @Test
    void reportedRenamesThatDoNotFitAreLeftOutInsteadOfFailing() {
        // the rename fits: reported as a rename
        assertThat(SchemaDiff.betweenReported(schema(ID, NAME), schema(ID, NAME.withName("email")), Map.of("name", "email")))
                .containsExactly(new SchemaChange.RenameColumn("name", "email"));
        // 'nom' is not a column of the old shape (a transformer dropped it, say): the rest of the diff still comes
        assertThat(SchemaDiff.betweenReported(schema(ID, NAME), schema(ID, NAME, QTY), Map.of("nom", "qty")))
                .isEqualTo(SchemaDiff.between(schema(ID, NAME), schema(ID, NAME, QTY)));
        // a cycle cannot be applied: no rename, the shapes' plain diff
        assertThat(SchemaDiff.betweenReported(schema(ID, NAME, EMAIL),
                schema(ID, NAME.withName("email"), EMAIL.withName("name")), Map.of("name", "email", "email", "name")))
                .isEqualTo(SchemaDiff.between(schema(ID, NAME, EMAIL), schema(ID, NAME.withName("email"), EMAIL.withName("name"))));
    }
}
