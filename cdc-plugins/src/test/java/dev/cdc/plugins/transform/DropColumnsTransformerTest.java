package dev.cdc.plugins.transform;

import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.spi.Transformer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.cdc.plugins.filter.SampleEvents.USERS;
import static dev.cdc.plugins.filter.SampleEvents.context;
import static dev.cdc.plugins.filter.SampleEvents.delete;
import static dev.cdc.plugins.filter.SampleEvents.insert;
import static dev.cdc.plugins.filter.SampleEvents.schemaChange;
import static dev.cdc.plugins.filter.SampleEvents.update;
import static dev.cdc.plugins.filter.SampleEvents.userSchema;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DropColumnsTransformerTest {

    private final DropColumnsFactory factory = new DropColumnsFactory();

    private Transformer transformer(Object columns) {
        return factory.create(context(factory, Map.of("columns", columns)));
    }

    @Test
    void dropsColumnsFromBeforeAndAfterAndLeavesTheInputAlone() {
        ChangeEvent in = update(USERS, 1);
        ChangeEvent copy = update(USERS, 1);
        ChangeEvent out = transformer(List.of("email", "public.users.note")).apply(in).orElseThrow();

        assertThat(out).isNotSameAs(in);
        assertThat(in).isEqualTo(copy);
        assertThat(out.before().orElseThrow().columns()).containsExactly("id", "balance");
        assertThat(out.after().orElseThrow().columns()).containsExactly("id", "balance");
        assertThat(out.key()).isEqualTo(in.key());
        assertThat(out.withRows(in.before(), in.after())).isEqualTo(in);
    }

    @Test
    void qualifiedPatternsOnlyTouchTheirTables() {
        Transformer t = transformer("public.users.email");
        ChangeEvent other = insert(TableId.parse("shop.users"), 1);
        assertThat(t.apply(other)).containsSame(other);
        assertThat(t.apply(insert(USERS, 1)).orElseThrow().after().orElseThrow().has("email")).isFalse();
        ChangeEvent deleted = t.apply(delete(USERS, 1)).orElseThrow();
        assertThat(deleted.before().orElseThrow().has("email")).isFalse();
        assertThat(deleted.after()).isEmpty();
    }

    @Test
    void keyColumnsLeaveTheRowsButStayInTheKeyAndSchema() {
        Transformer t = transformer("id");
        ChangeEvent out = t.apply(insert(USERS, 5)).orElseThrow();
        assertThat(out.after().orElseThrow().has("id")).isFalse();
        assertThat(out.key()).isEqualTo(Row.of("id", 5L));

        SchemaChangeEvent schema = t.applySchemaChange(schemaChange(USERS)).orElseThrow();
        assertThat(schema.after().orElseThrow().columnNames()).contains("id");
        assertThat(schema.after().orElseThrow().primaryKey()).containsExactly("id");
    }

    @Test
    void schemaChangesLoseTheColumnsAndTheChangesAboutThem() {
        SchemaChangeEvent in = schemaChange(USERS,
                new SchemaChange.AddColumn(Column.of("balance", DataType.decimal(10, 2)), Optional.of("email")),
                new SchemaChange.AddColumn(Column.of("note", DataType.string()), Optional.of("balance")),
                new SchemaChange.AlterColumnType("email", DataType.string(), DataType.json()),
                new SchemaChange.DropColumn("email"),
                new SchemaChange.RenameColumn("email", "contact"),
                new SchemaChange.RenameColumn("phone", "email"),
                new SchemaChange.AlterPrimaryKey(List.of("id"), List.of("id")),
                new SchemaChange.CreateTable(userSchema(USERS)));
        SchemaChangeEvent copy = schemaChange(USERS, in.changes().toArray(SchemaChange[]::new));
        SchemaChangeEvent out = transformer("email").applySchemaChange(in).orElseThrow();

        assertThat(in).isEqualTo(copy);
        assertThat(out.before().orElseThrow().columnNames()).containsExactly("id");
        assertThat(out.after().orElseThrow().columnNames()).containsExactly("id", "balance", "note");
        assertThat(out.changes()).containsExactly(
                new SchemaChange.AddColumn(Column.of("balance", DataType.decimal(10, 2)), Optional.empty()),
                new SchemaChange.AddColumn(Column.of("note", DataType.string()), Optional.of("balance")),
                // email -> contact: to the sink, 'contact' is new, but the after schema does not have it
                new SchemaChange.DropColumn("phone"),
                new SchemaChange.AlterPrimaryKey(List.of("id"), List.of("id")),
                new SchemaChange.CreateTable(out.after().orElseThrow()));
        assertThat(out.position()).isEqualTo(in.position());
        assertThat(out.ddl()).isEqualTo(in.ddl());
    }

    @Test
    void renameFromADroppedNameBecomesAnAddWhenTheAfterSchemaHasTheColumn() {
        SchemaChangeEvent in = schemaChange(USERS, new SchemaChange.RenameColumn("secret", "note"));
        SchemaChangeEvent out = transformer("secret").applySchemaChange(in).orElseThrow();
        assertThat(out.changes()).containsExactly(
                new SchemaChange.AddColumn(Column.of("note", DataType.string()), Optional.empty()));
    }

    @Test
    void unmatchedEventsComeBackAsTheyAre() {
        Transformer t = transformer("nothing_like_this");
        ChangeEvent in = update(USERS, 1);
        SchemaChangeEvent schema = schemaChange(USERS, new SchemaChange.DropColumn("x"));
        assertThat(t.apply(in)).containsSame(in);
        assertThat(t.applySchemaChange(schema)).containsSame(schema);
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> context(factory, Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("columns: is required");
        assertThatThrownBy(() -> context(factory, Map.of("columns", List.of())))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("non-empty");
        assertThatThrownBy(() -> context(factory, Map.of("columns", List.of("ok", "public..x"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("public..x");
    }
}
