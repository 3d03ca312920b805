package dev.cdc.sink.jdbc;

import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.testkit.assertion.PluginFactoryAssertions;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Factory, options, and the DDL previews of each dialect; connects to nothing. */
class JdbcSinkFactoryTest {

    private static final TableId ORDERS = TableId.of("public", "orders");
    private static final TableSchema V1 = new TableSchema(ORDERS, List.of(
            Column.notNull("id", DataType.int64()),
            Column.of("qty", DataType.int32()),
            Column.of("label", DataType.string()).withSourceType("character varying(20)"),
            Column.of("total", DataType.decimal(12, 2)),
            Column.of("at", DataType.timestampTz(6))), List.of("id"));

    static Sink create(Map<String, Object> options) {
        JdbcSinkFactory f = new JdbcSinkFactory();
        return f.create(PluginContext.of(Configuration.of(f.options(), options), "p", "replica"));
    }

    @Test
    void foundByServiceLoaderAndWellDeclared() {
        PluginFactoryAssertions.assertWellDeclared(new JdbcSinkFactory());
        assertThat(PluginFactoryAssertions.assertRegistered(SinkFactory.class, "jdbc", getClass().getClassLoader()))
                .isInstanceOf(JdbcSinkFactory.class);
    }

    @Test
    void createsWithoutConnectingAndNeverShowsThePassword() throws Exception {
        Sink sink = create(Map.of("url", "jdbc:postgresql://db.invalid:5432/x?password=s3cret", "password", "hunter2"));
        assertThat(sink.toString()).contains("postgresql").contains("db.invalid").doesNotContain("s3cret")
                .doesNotContain("hunter2");
        sink.close();
        sink.close();
        assertThat(JdbcSinkOptions.PASSWORD.isSecret()).isTrue();
        assertThat(JdbcSinkOptions.TABLE_NAME.defaultValue()).contains("${name}");
        assertThat(JdbcSinkOptions.KEYLESS_TABLES.defaultValue()).contains(JdbcSinkOptions.KeylessMode.FAIL);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        Map<String, Object> options = new HashMap<>(Map.of("url", "jdbc:postgresql://h/db", "table-name", "${table}",
                "schema", "${db}", "sort-key-column", "x".repeat(70), "properties", Map.of("password", "p")));
        assertThatThrownBy(() -> create(options)).isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).problems()).extracting(ConfigProblem::path)
                        .containsExactlyInAnyOrder("table-name", "schema", "sort-key-column", "properties"))
                .hasMessageContaining("the variables are ${namespace} and ${name}")
                .hasMessageContaining("70 bytes long, but postgresql allows at most 63");
        JdbcSinkFactory f = new JdbcSinkFactory();
        assertThat(f.validate(Configuration.of(f.options(), options))).as("what cdc validate reports")
                .extracting(ConfigProblem::path).containsExactlyInAnyOrder("table-name", "schema", "sort-key-column",
                        "properties");
        assertThatThrownBy(() -> create(Map.of("url", "postgresql://h/db"))).hasMessageContaining("a JDBC URL");
    }

    @Test
    void previewsTheDdlOfEachDialectWithoutConnecting() {
        SchemaChangeEvent create = SchemaChangeEvent.of(V1, Position.ofSequence(1), Instant.EPOCH);
        assertThat(preview("jdbc:postgresql://h/db", create)).containsExactly("CREATE TABLE IF NOT EXISTS \"orders\""
                + " (\"id\" bigint NOT NULL, \"qty\" integer, \"label\" varchar(20), \"total\" numeric(12,2), \"at\""
                + " timestamp(6) with time zone, \"__cdc_sort_key\" varchar(64) COLLATE \"C\", PRIMARY KEY (\"id\"))");
        assertThat(preview("jdbc:mariadb://h/db", create)).containsExactly("CREATE TABLE IF NOT EXISTS `orders` (`id`"
                + " bigint NOT NULL, `qty` int, `label` varchar(20), `total` decimal(12,2), `at` datetime(6),"
                + " `__cdc_sort_key` varchar(64) CHARACTER SET ascii COLLATE ascii_bin, PRIMARY KEY (`id`))"
                + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");

        TableSchema v2 = new TableSchema(ORDERS, List.of(
                Column.notNull("id", DataType.int64()),
                Column.of("qty", DataType.int64()),
                Column.of("title", DataType.string()).withSourceType("character varying(200)"),
                Column.of("total", DataType.decimal(12, 2)),
                Column.of("note", DataType.string()).withDefault("'n/a'::text")), List.of("id"));
        SchemaChangeEvent migration = new SchemaChangeEvent(ORDERS, Optional.of(V1), Optional.of(v2), List.of(
                new SchemaChange.DropColumn("at"),
                new SchemaChange.RenameColumn("label", "title"),
                new SchemaChange.AddColumn(v2.column("note").orElseThrow(), Optional.of("total")),
                new SchemaChange.AlterColumnType("qty", DataType.int32(), DataType.int64()),
                new SchemaChange.AlterColumnType("title", DataType.string(), DataType.string(),
                        Optional.of("character varying(20)"), Optional.of("character varying(200)"))),
                Optional.empty(), Position.ofSequence(2), Instant.EPOCH);
        assertThat(preview("jdbc:postgresql://h/db", migration)).containsExactly(
                "ALTER TABLE \"orders\" DROP COLUMN IF EXISTS \"at\"",
                "ALTER TABLE \"orders\" RENAME COLUMN \"label\" TO \"title\"",
                "ALTER TABLE \"orders\" ADD COLUMN IF NOT EXISTS \"note\" text DEFAULT 'n/a'",
                "ALTER TABLE \"orders\" ALTER COLUMN \"qty\" TYPE bigint USING \"qty\"::bigint",
                "ALTER TABLE \"orders\" ALTER COLUMN \"title\" TYPE varchar(200) USING \"title\"::varchar(200)");
        assertThat(preview("jdbc:mariadb://h/db", migration)).containsExactly(
                "ALTER TABLE `orders` DROP COLUMN IF EXISTS `at`",
                "ALTER TABLE `orders` RENAME COLUMN `label` TO `title`",
                "ALTER TABLE `orders` ADD COLUMN IF NOT EXISTS `note` longtext DEFAULT 'n/a'",
                "ALTER TABLE `orders` MODIFY COLUMN `qty` bigint",
                "ALTER TABLE `orders` MODIFY COLUMN `title` varchar(200)");
        assertThat(preview("jdbc:h2:mem:x", migration)).contains(
                "ALTER TABLE \"orders\" ALTER COLUMN \"label\" RENAME TO \"title\"",
                "ALTER TABLE \"orders\" ALTER COLUMN \"qty\" SET DATA TYPE bigint");
    }

    @Test
    void aKeyChangeAndKeptDropsAndUntranslatableDefaultsSayWhatTheyDo() {
        TableSchema v2 = new TableSchema(ORDERS, List.of(Column.notNull("id", DataType.int64()),
                Column.notNull("qty", DataType.int32()), Column.of("seq", DataType.int64()).withDefault(
                        "nextval('orders_seq'::regclass)")), List.of("id", "qty"));
        SchemaChangeEvent change = new SchemaChangeEvent(ORDERS, Optional.of(V1), Optional.of(v2), List.of(
                new SchemaChange.DropColumn("label"),
                new SchemaChange.AddColumn(v2.column("seq").orElseThrow(), Optional.of("qty")),
                new SchemaChange.AlterPrimaryKey(List.of("id"), List.of("id", "qty"))),
                Optional.empty(), Position.ofSequence(2), Instant.EPOCH);
        Sink sink = create(Map.of("url", "jdbc:postgresql://h/db", "drop-columns", "keep", "schema", "replica"));
        assertThat(sink.previewSchemaChange(change)).containsExactly(
                "ALTER TABLE \"replica\".\"orders\" ADD COLUMN IF NOT EXISTS \"seq\" bigint -- source default"
                        + " nextval('orders_seq'::regclass) not carried over",
                "ALTER TABLE \"replica\".\"orders\" DROP CONSTRAINT \"orders_pkey\", ADD PRIMARY KEY (\"id\", \"qty\")");
    }

    @Test
    void aTypeTheTargetCannotHoldAndANameTooLongAreClearErrors() {
        TableSchema wide = new TableSchema(ORDERS, List.of(Column.notNull("id", DataType.int64()),
                Column.of("amount", DataType.decimal(70, 2)).withSourceType("numeric(70,2)")), List.of("id"));
        SchemaChangeEvent create = SchemaChangeEvent.of(wide, Position.ofSequence(1), Instant.EPOCH);
        assertThatThrownBy(() -> preview("jdbc:mariadb://h/db", create)).isInstanceOf(CdcException.class)
                .hasMessageContaining("cannot hold column public.orders.amount of type decimal(70,2)")
                .hasMessageContaining("at most 65 digits")
                .hasMessageContaining("column-types: {public.orders.amount: ");
        assertThat(create(Map.of("url", "jdbc:mariadb://h/db", "column-types", Map.of("public.orders.amount",
                "varchar(80)"))).previewSchemaChange(create).get(0)).contains("`amount` varchar(80)");

        TableId longName = TableId.of("public", "o".repeat(64));
        SchemaChangeEvent longTable = SchemaChangeEvent.of(new TableSchema(longName, V1.columns(), List.of("id")),
                Position.ofSequence(1), Instant.EPOCH);
        assertThatThrownBy(() -> preview("jdbc:postgresql://h/db", longTable)).isInstanceOf(CdcException.class)
                .hasMessageContaining("is 64 bytes long, but postgresql allows at most 63")
                .hasMessageContaining("table-name");
    }

    private static List<String> preview(String url, SchemaChangeEvent change) {
        return create(Map.of("url", url)).previewSchemaChange(change);
    }
}
