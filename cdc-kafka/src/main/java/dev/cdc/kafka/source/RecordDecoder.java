package dev.cdc.kafka.source;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.format.EnvelopeFormat;
import dev.cdc.format.EnvelopeReader;
import dev.cdc.format.ReadEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Turns a record into the events it holds, each at the source's position after the record.
 *
 * <h2>Sort keys</h2>
 * A {@code cdc} envelope keeps the upstream pipeline's {@code sort_key}: it is the database's log
 * order, so it follows each partition's order (the sink writes in that order), it orders one
 * table's rows and schema changes across topics and partitions, and a record written twice by an
 * at-least-once sink has the same key both times, so the sinks' order guards drop the replay. A
 * Debezium record has no such key: it gets the {@code cdc.sort_key} header when cdc's kafka sink
 * wrote it in the {@code debezium} format, else its offset, 16 hexadecimal digits, which orders the
 * records of one partition, hence of one key (a key is always on one partition), but says nothing
 * across partitions.
 *
 * <p>Used from the source thread only.
 */
final class RecordDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(RecordDecoder.class);

    /** The header in which the kafka sink writes each record's upstream sort key. */
    static final String SORT_KEY_HEADER = "cdc.sort_key";

    private final EnvelopeFormat format;
    private final boolean skipBad;
    private final SchemaHistory history;
    /** Per table, the schema last handed to the pipeline from a Debezium record's schema part. */
    private final Map<TableId, TableSchema> declared = new HashMap<>();
    private String lastSortKey;
    private String heldFor;

    RecordDecoder(KafkaSourceConfig config, SchemaHistory history) {
        this.format = format(config);
        this.skipBad = config.skipBadRecords();
        this.history = history;
    }

    /**
     * Adds the record's events (with the schema changes due before them) to {@code batch}.
     *
     * @param parsed   the record's result of {@link RecordParser#parse}, or null (or
     *                 {@link RecordParser#IN_ORDER}) to parse it here
     * @param name     the record's partition as named in positions
     * @param position the position before the record
     * @param mayPassSchemaChange whether a schema change at this sort key may be handed on now
     * @return the position after the record, or null when the record must wait (its partition is
     *         held until {@link #heldFor()} may pass; nothing was added to the batch)
     */
    Position decode(ConsumerRecord<byte[], byte[]> r, Object parsed, String name, Position position,
                    List<StreamEvent> batch, Predicate<String> mayPassSchemaChange) {
        String next = Long.toString(r.offset() + 1);
        List<ReadEvent> read;
        try {
            read = parsed(r, parsed);
        } catch (RuntimeException e) {
            String where = "topic '" + r.topic() + "' partition " + r.partition() + " offset " + r.offset();
            if (!skipBad) {
                throw new CdcException(where + ": the record is not " + (format == null ? "a cdc envelope nor a "
                        + "Debezium record" : "in the " + format.name().toLowerCase(java.util.Locale.ROOT)
                        + " format") + ": " + e.getMessage() + " (bad-records: skip would log and skip it)", e);
            }
            LOG.warn("kafka source: skipped {} (bad-records: skip): {}", where, e.getMessage());
            return position.withOffset(name, next, position.sortKey());
        }
        Position after = position;
        for (ReadEvent re : read) {
            StreamEvent e = re.event();
            String sortKey = e.position().sortKey().isEmpty() ? sortKeyOf(r) : e.position().sortKey();
            after = after.withOffset(name, next, sortKey);
            lastSortKey = sortKey;
            if (e instanceof ChangeEvent change) {
                Optional<String> pending = history.pendingBefore(change.table(), sortKey);
                if (pending.isPresent() && !mayPassSchemaChange.test(pending.get())) {
                    heldFor = pending.get();
                    return null; // other partitions still hold rows of the old shape: this one waits
                }
                batch.addAll(history.dueBefore(change.table(), sortKey, position));
                if (re.schema().isPresent() && !re.schema().get().equals(declared.get(change.table()))) {
                    declared.put(change.table(), re.schema().get());
                    batch.add(SchemaChangeEvent.of(re.schema().get(), after, change.commitTime()));
                }
                batch.add(change.withPosition(after));
            } else if (e instanceof SchemaChangeEvent change) {
                if (format != EnvelopeFormat.DEBEZIUM && !e.position().sortKey().isEmpty()) {
                    history.add(change); // a cdc schema change: handed on before the first row that needs it
                } else {
                    change.after().ifPresentOrElse(s -> declared.put(change.table(), s),
                            () -> declared.remove(change.table()));
                    batch.add(new SchemaChangeEvent(change.table(), change.before(), change.after(), change.changes(),
                            change.ddl(), after, change.commitTime()));
                }
            }
        }
        return read.isEmpty() ? position.withOffset(name, next, position.sortKey()) : after;
    }

    @SuppressWarnings("unchecked")
    private List<ReadEvent> parsed(ConsumerRecord<byte[], byte[]> r, Object parsed) {
        if (parsed instanceof List<?> events) {
            return (List<ReadEvent>) events;
        }
        if (parsed instanceof RuntimeException e) {
            throw e;
        }
        return EnvelopeReader.readRecord(r.key(), r.value(), format, history);
    }

    /** The format the config names, or null for auto. */
    static EnvelopeFormat format(KafkaSourceConfig config) {
        return switch (config.format()) {
            case "cdc" -> EnvelopeFormat.CDC;
            case "debezium" -> EnvelopeFormat.DEBEZIUM;
            default -> null;
        };
    }

    /** A Debezium record's sort key: the kafka sink's {@code cdc.sort_key} header when it wrote it, else the offset. */
    private static String sortKeyOf(ConsumerRecord<byte[], byte[]> r) {
        Header h = r.headers().lastHeader(SORT_KEY_HEADER);
        return h != null && h.value() != null ? new String(h.value(), StandardCharsets.UTF_8) : Position.sortKeyOf(r.offset());
    }

    /** The sort key of the last record decoded. */
    String lastSortKey() {
        return lastSortKey;
    }

    /** The schema change's sort key the last held record waits for. */
    String heldFor() {
        return heldFor;
    }

    /** The schema changes still due once every partition was read to its end. */
    List<SchemaChangeEvent> caughtUp(Position position) {
        history.catchUp();
        return history.remaining(position);
    }

    Optional<TableSchema> declared(TableId table) {
        return Optional.ofNullable(declared.get(table));
    }
}
