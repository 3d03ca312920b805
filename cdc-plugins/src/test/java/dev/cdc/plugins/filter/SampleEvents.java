package dev.cdc.plugins.filter;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.PluginFactory;
import dev.cdc.api.config.Configuration;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Events and contexts shared by the filter and transformer tests. */
public final class SampleEvents {

    public static final TableId USERS = TableId.of("public", "users");
    public static final Instant TIME = Instant.parse("2025-03-01T10:15:30Z");

    private SampleEvents() {
    }

    public static Row userKey(long id) {
        return Row.of("id", id);
    }

    public static Row user(long id, String email) {
        return Row.of("id", id, "email", email, "balance", new BigDecimal("12.50"), "note", null);
    }

    public static ChangeEvent insert(TableId table, long id) {
        return ChangeEvent.insert(table, userKey(id), user(id, "u" + id + "@example.com"), TIME, Position.ofSequence(id));
    }

    public static ChangeEvent update(TableId table, long id) {
        return ChangeEvent.update(table, userKey(id), user(id, "old@example.com"), user(id, "new@example.com"), TIME,
                Position.ofSequence(id)).withTransactionId("tx-" + id);
    }

    public static ChangeEvent delete(TableId table, long id) {
        return ChangeEvent.delete(table, userKey(id), user(id, "gone@example.com"), TIME, Position.ofSequence(id));
    }

    public static ChangeEvent read(TableId table, long id) {
        return ChangeEvent.read(table, userKey(id), user(id, "snap@example.com"), TIME, Position.ofSequence(id));
    }

    public static ChangeEvent truncate(TableId table) {
        return ChangeEvent.truncate(table, TIME, Position.ofSequence(99));
    }

    /** The schema of {@link #user}. */
    public static TableSchema userSchema(TableId table) {
        return new TableSchema(table, List.of(
                Column.notNull("id", DataType.int64()),
                Column.of("email", DataType.string()).withDefault("'none'").withSourceType("varchar(200)"),
                Column.of("balance", DataType.decimal(10, 2)),
                Column.of("note", DataType.string())), List.of("id"));
    }

    public static SchemaChangeEvent schemaChange(TableId table, SchemaChange... changes) {
        TableSchema after = userSchema(table);
        TableSchema before = after.withColumns(after.columns().subList(0, 2));
        return new SchemaChangeEvent(table, Optional.of(before), Optional.of(after), List.of(changes),
                Optional.of("ALTER TABLE users ..."), Position.ofSequence(7), TIME);
    }

    /** Binds raw options against the factory's declared options, as the engine does, and makes a context. */
    public static PluginContext context(PluginFactory factory, Map<String, ?> rawOptions) {
        return PluginContext.of(Configuration.of(factory.options(), rawOptions), "test", "plugin");
    }
}
