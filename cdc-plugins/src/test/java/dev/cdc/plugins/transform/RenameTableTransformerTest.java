package dev.cdc.plugins.transform;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.spi.Transformer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.cdc.plugins.filter.SampleEvents.USERS;
import static dev.cdc.plugins.filter.SampleEvents.context;
import static dev.cdc.plugins.filter.SampleEvents.insert;
import static dev.cdc.plugins.filter.SampleEvents.schemaChange;
import static dev.cdc.plugins.filter.SampleEvents.update;
import static dev.cdc.plugins.filter.SampleEvents.userSchema;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RenameTableTransformerTest {

    private final RenameTableFactory factory = new RenameTableFactory();

    private Transformer transformer(Map<String, ?> options) {
        return factory.create(context(factory, options));
    }

    @Test
    void mappingRenamesExactTablesAndWinsOverThePattern() {
        Transformer t = transformer(Map.of("mapping", Map.of("public.users", "crm.customers"),
                "pattern", "public\\.(.*)", "replacement", "archive.$1"));
        ChangeEvent in = update(USERS, 1);
        ChangeEvent copy = update(USERS, 1);
        ChangeEvent out = t.apply(in).orElseThrow();
        assertThat(out.table()).isEqualTo(TableId.parse("crm.customers"));
        assertThat(in).isEqualTo(copy);
        assertThat(out.withTable(USERS)).isEqualTo(in);

        assertThat(t.apply(insert(TableId.parse("public.orders"), 1)).orElseThrow().table())
                .isEqualTo(TableId.parse("archive.orders"));
        ChangeEvent other = insert(TableId.parse("shop.orders"), 1);
        assertThat(t.apply(other)).containsSame(other);
    }

    @Test
    void patternMustMatchTheWholeNameAndMayUseNamedGroups() {
        Transformer t = transformer(Map.of("pattern", "(?<db>[a-z]+)\\.tbl_([a-z]+)", "replacement", "${db}_v2.$2"));
        assertThat(t.apply(insert(TableId.parse("sales.tbl_orders"), 1)).orElseThrow().table())
                .isEqualTo(TableId.parse("sales_v2.orders"));
        ChangeEvent partial = insert(TableId.parse("sales.tbl_orders2"), 1);
        assertThat(t.apply(partial)).containsSame(partial);
    }

    @Test
    void schemaChangesAreRenamedThroughout() {
        Transformer t = transformer(Map.of("pattern", "public\\.(.*)", "replacement", "archive.$1"));
        SchemaChangeEvent in = schemaChange(USERS,
                new SchemaChange.CreateTable(userSchema(USERS)),
                new SchemaChange.RenameTable(TableId.parse("public.people"), USERS),
                new SchemaChange.DropTable(TableId.parse("other.x")),
                new SchemaChange.DropColumn("note"));
        SchemaChangeEvent copy = schemaChange(USERS, in.changes().toArray(SchemaChange[]::new));
        SchemaChangeEvent out = t.applySchemaChange(in).orElseThrow();
        TableId archived = TableId.parse("archive.users");

        assertThat(in).isEqualTo(copy);
        assertThat(out.table()).isEqualTo(archived);
        assertThat(out.before().orElseThrow().table()).isEqualTo(archived);
        assertThat(out.after().orElseThrow().table()).isEqualTo(archived);
        assertThat(out.changes()).containsExactly(
                new SchemaChange.CreateTable(userSchema(archived)),
                new SchemaChange.RenameTable(TableId.parse("archive.people"), archived),
                new SchemaChange.DropTable(TableId.parse("other.x")),
                new SchemaChange.DropColumn("note"));
        assertThat(out.ddl()).isEqualTo(in.ddl());

        SchemaChangeEvent untouched = schemaChange(TableId.parse("shop.orders"));
        assertThat(t.applySchemaChange(untouched)).containsSame(untouched);
    }

    @Test
    void aReplacementThatGivesNoTableNameFailsClearly() {
        Transformer t = transformer(Map.of("pattern", "public\\.(.*)", "replacement", "archive."));
        assertThatThrownBy(() -> t.apply(insert(USERS, 1)))
                .isInstanceOf(CdcException.class).hasMessageContaining("public.users").hasMessageContaining("'archive.'");
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> transformer(Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("needs 'mapping'");
        assertThatThrownBy(() -> transformer(Map.of("pattern", "a.*")))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.problems()).extracting(p -> p.path()).containsExactly("replacement"));
        assertThatThrownBy(() -> transformer(Map.of("replacement", "x.y")))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.problems()).extracting(p -> p.path()).containsExactly("pattern"));
        assertThatThrownBy(() -> context(factory, Map.of("pattern", "public\\.(", "replacement", "x")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("regular expression");
        assertThatThrownBy(() -> transformer(Map.of("pattern", "public\\.(.*)", "replacement", "archive.$2")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("group $2")
                .hasMessageContaining("1 group");
        assertThatThrownBy(() -> transformer(Map.of("pattern", "(.*)", "replacement", "cost$")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("\\$");
        assertThatThrownBy(() -> context(factory, Map.of("mapping", Map.of("public.users", "archive."))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("mapping");
        assertThatThrownBy(() -> context(factory, Map.of("mapping", List.of("a"))))
                .isInstanceOf(ConfigurationException.class);
    }

    @Test
    void replacementProblemsAreFoundBeforeRunning() {
        assertThat(RenameTableOptions.replacementProblem("a.$1", 1)).isEmpty();
        assertThat(RenameTableOptions.replacementProblem("a.\\$1", 0)).isEmpty();
        assertThat(RenameTableOptions.replacementProblem("a.${x}", 0)).isEmpty();
        assertThat(RenameTableOptions.replacementProblem("a.$1", 0)).isPresent();
        assertThat(RenameTableOptions.replacementProblem("a.$x", 3)).isPresent();
        assertThat(RenameTableOptions.replacementProblem("a\\", 3)).isPresent();
    }
}
