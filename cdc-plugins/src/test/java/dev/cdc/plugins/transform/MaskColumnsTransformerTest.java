package dev.cdc.plugins.transform;

import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Transformer;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.cdc.plugins.filter.SampleEvents.TIME;
import static dev.cdc.plugins.filter.SampleEvents.USERS;
import static dev.cdc.plugins.filter.SampleEvents.context;
import static dev.cdc.plugins.filter.SampleEvents.insert;
import static dev.cdc.plugins.filter.SampleEvents.schemaChange;
import static dev.cdc.plugins.filter.SampleEvents.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MaskColumnsTransformerTest {

    private final MaskColumnsFactory factory = new MaskColumnsFactory();

    private Transformer transformer(Map<String, ?> options) {
        return factory.create(context(factory, options));
    }

    private static String sha256Hex(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void fixedModeReplacesValuesInBeforeAndAfterButNotTheKey() {
        ChangeEvent in = update(USERS, 1);
        ChangeEvent copy = update(USERS, 1);
        ChangeEvent out = transformer(Map.of("columns", List.of("email", "id"))).apply(in).orElseThrow();

        assertThat(out).isNotSameAs(in);
        assertThat(in).isEqualTo(copy);
        assertThat(out.before().orElseThrow().get("email")).isEqualTo("****");
        assertThat(out.after().orElseThrow().get("email")).isEqualTo("****");
        assertThat(out.after().orElseThrow().get("id")).isEqualTo("****");
        assertThat(out.after().orElseThrow().get("balance")).isEqualTo(new BigDecimal("12.50"));
        assertThat(out.key()).isEqualTo(Row.of("id", 1L));
    }

    @Test
    void nullAndUnchangedValuesStayAsTheyAre() {
        Row after = Row.of("id", 1L, "email", Unchanged.VALUE, "note", null);
        ChangeEvent in = ChangeEvent.update(USERS, Row.of("id", 1L), null, after, TIME, Position.ofSequence(1));
        ChangeEvent out = transformer(Map.of("columns", "email,note", "replacement", "x")).apply(in).orElseThrow();
        assertThat(out.after().orElseThrow().get("email")).isSameAs(Unchanged.VALUE);
        assertThat(out.after().orElseThrow().has("note")).isTrue();
        assertThat(out.after().orElseThrow().get("note")).isNull();
        assertThat(out.before()).isEmpty();
    }

    @Test
    void hashModeGivesTheSaltedSha256OfTheValueText() throws Exception {
        Transformer t = transformer(Map.of("columns", List.of("email", "balance"), "mode", "hash", "salt", "pepper"));
        Row after = t.apply(insert(USERS, 3)).orElseThrow().after().orElseThrow();
        assertThat(after.get("email")).isEqualTo(sha256Hex("pepper" + "u3@example.com"));
        assertThat(after.get("balance")).isEqualTo(sha256Hex("pepper" + "12.50"));

        Transformer otherSalt = transformer(Map.of("columns", "email", "mode", "hash", "salt", "salt2"));
        assertThat(otherSalt.apply(insert(USERS, 3)).orElseThrow().after().orElseThrow().get("email"))
                .isNotEqualTo(after.get("email"));
    }

    @Test
    void hashModeHashesRawBytes() throws Exception {
        byte[] bytes = {1, 2, 3};
        ChangeEvent in = ChangeEvent.insert(USERS, Row.of("id", 1L), Row.of("id", 1L, "blob", bytes), TIME,
                Position.ofSequence(1));
        Object masked = transformer(Map.of("columns", "blob", "mode", "hash", "salt", "s"))
                .apply(in).orElseThrow().after().orElseThrow().get("blob");
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update("s".getBytes(StandardCharsets.UTF_8));
        assertThat(masked).isEqualTo(HexFormat.of().formatHex(d.digest(bytes)));
    }

    @Test
    void includeKeyMasksTheKeyToo() {
        ChangeEvent out = transformer(Map.of("columns", "id", "mode", "hash", "salt", "s", "include-key", true))
                .apply(insert(USERS, 7)).orElseThrow();
        assertThat(out.key().get("id")).isInstanceOf(String.class).isEqualTo(out.after().orElseThrow().get("id"));
    }

    @Test
    void schemaChangesSeeMaskedColumnsAsStrings() {
        SchemaChangeEvent in = schemaChange(USERS,
                new SchemaChange.AddColumn(Column.of("balance", DataType.decimal(10, 2)), Optional.empty()),
                new SchemaChange.AlterColumnType("balance", DataType.decimal(10, 2), DataType.decimal(12, 2)),
                new SchemaChange.AlterColumnDefault("email", Optional.of("'x'")),
                new SchemaChange.AlterColumnNullability("email", false),
                new SchemaChange.RenameColumn("balance", "amount"),
                new SchemaChange.RenameColumn("note", "balance"));
        SchemaChangeEvent copy = schemaChange(USERS, in.changes().toArray(SchemaChange[]::new));
        SchemaChangeEvent out = transformer(Map.of("columns", List.of("email", "balance")))
                .applySchemaChange(in).orElseThrow();

        assertThat(in).isEqualTo(copy);
        Column email = out.after().orElseThrow().column("email").orElseThrow();
        assertThat(email.type()).isEqualTo(DataType.string());
        assertThat(email.defaultValue()).isEmpty();
        assertThat(email.sourceType()).isEmpty();
        assertThat(out.after().orElseThrow().column("balance").orElseThrow().type()).isEqualTo(DataType.string());
        assertThat(out.after().orElseThrow().column("note").orElseThrow().type()).isEqualTo(DataType.string());
        assertThat(out.after().orElseThrow().column("id").orElseThrow().type()).isEqualTo(DataType.int64());
        assertThat(out.changes()).containsExactly(
                new SchemaChange.AddColumn(Column.of("balance", DataType.string()), Optional.empty()),
                new SchemaChange.AlterColumnNullability("email", false),
                // the schemas do not know 'amount', so the type change cannot be given
                new SchemaChange.RenameColumn("balance", "amount"),
                new SchemaChange.RenameColumn("note", "balance"),
                new SchemaChange.AlterColumnType("balance", DataType.decimal(10, 2), DataType.string()));
    }

    @Test
    void renameToAnUnmaskedNameGetsItsRealTypeBack() {
        TableSchema after = new TableSchema(USERS, List.of(Column.notNull("id", DataType.int64()),
                Column.of("amount", DataType.decimal(10, 2))), List.of("id"));
        SchemaChangeEvent in = new SchemaChangeEvent(USERS, Optional.empty(), Optional.of(after),
                List.of(new SchemaChange.RenameColumn("balance", "amount")), Optional.empty(), Position.ofSequence(3), TIME);
        SchemaChangeEvent out = transformer(Map.of("columns", "balance")).applySchemaChange(in).orElseThrow();
        assertThat(out.changes()).containsExactly(new SchemaChange.RenameColumn("balance", "amount"),
                new SchemaChange.AlterColumnType("amount", DataType.string(), DataType.decimal(10, 2)));
        assertThat(out.after()).contains(after);
    }

    @Test
    void unmatchedEventsComeBackAsTheyAre() {
        Transformer t = transformer(Map.of("columns", "shop.*.email"));
        ChangeEvent in = update(USERS, 1);
        SchemaChangeEvent schema = schemaChange(USERS);
        assertThat(t.apply(in)).containsSame(in);
        assertThat(t.applySchemaChange(schema)).containsSame(schema);
    }

    @Test
    void optionsAreValidatedAndTheSaltStaysSecret() {
        assertThatThrownBy(() -> context(factory, Map.of("columns", "email", "mode", "encrypt")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("fixed, hash");
        assertThatThrownBy(() -> transformer(Map.of("columns", "email", "mode", "hash")))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.path()).isEqualTo("salt")));
        assertThatThrownBy(() -> transformer(Map.of("columns", "email", "salt", "s")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("mode is fixed");
        PluginContext ctx = context(factory, Map.of("columns", "email", "mode", "hash", "salt", "hunter2"));
        assertThat(ctx.options().toString()).doesNotContain("hunter2").contains("salt=******");
        assertThat(ctx.options().get(MaskColumnsOptions.INCLUDE_KEY)).isFalse();
        assertThat(MaskColumnsOptions.REPLACEMENT.defaultValue()).contains("****");
    }
}
