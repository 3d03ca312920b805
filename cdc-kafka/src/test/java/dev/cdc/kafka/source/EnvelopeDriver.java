package dev.cdc.kafka.source;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.testkit.source.SourceDriver;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The "database" of the kafka source's contract: an upstream pipeline that writes each change as a
 * cdc envelope to one data topic (in order) and each table's schema to the schema topic, as the
 * kafka sink does. Positions are a sequence, so sort keys grow with every change.
 */
final class EnvelopeDriver implements SourceDriver {

    private final EnvelopeTopics topics;
    private final String dataTopic;
    private final String schemaTopic;
    private final Map<TableId, Map<Long, Row>> rows = new HashMap<>();
    private long sequence;

    EnvelopeDriver(String dataTopic, String schemaTopic) throws Exception {
        this.topics = new EnvelopeTopics("upstream");
        this.dataTopic = dataTopic;
        this.schemaTopic = schemaTopic;
        topics.createTopic(dataTopic, 1);
        topics.createTopic(schemaTopic, 1);
    }

    @Override
    public String namespace() {
        return "test";
    }

    private Position next() {
        return Position.ofSequence(++sequence);
    }

    static TableSchema schema(TableId table) {
        return new TableSchema(table, List.of(Column.notNull("id", DataType.int64()), Column.of("name", DataType.string()),
                Column.of("amount", DataType.decimal(12, 2))), List.of("id"));
    }

    @Override
    public void createTable(TableId table) throws Exception {
        rows.put(table, new HashMap<>());
        topics.write(schemaTopic, SchemaChangeEvent.of(schema(table), next(), Instant.now()));
    }

    private static Row row(long id, String name, BigDecimal amount) {
        return Row.builder().put("id", id).put("name", name).put("amount", amount).build();
    }

    @Override
    public void insert(TableId table, long id, String name, BigDecimal amount) throws Exception {
        Row after = row(id, name, amount);
        rows.get(table).put(id, after);
        topics.write(dataTopic, ChangeEvent.insert(table, Row.of("id", id), after, Instant.now(), next())
                .withSchemaVersion(1));
    }

    @Override
    public void update(TableId table, long id, String name, BigDecimal amount) throws Exception {
        Row after = row(id, name, amount);
        Row before = rows.get(table).put(id, after);
        topics.write(dataTopic, ChangeEvent.update(table, Row.of("id", id), before, after, Instant.now(), next())
                .withSchemaVersion(1));
    }

    @Override
    public void delete(TableId table, long id) throws Exception {
        Row before = rows.get(table).remove(id);
        topics.write(dataTopic, ChangeEvent.delete(table, Row.of("id", id), before, Instant.now(), next())
                .withSchemaVersion(1));
    }

    @Override
    public void dropTable(TableId table) throws Exception {
        topics.write(schemaTopic, new SchemaChangeEvent(table, Optional.of(schema(table)), Optional.empty(), List.of(),
                Optional.empty(), next(), Instant.now()));
    }

    @Override
    public void close() {
        topics.deleteTopics(dataTopic, schemaTopic);
        topics.close();
    }
}
