package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.format.KeylessTables;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Turns each change event into its bulk actions and hands them to the {@link BulkSender}: an
 * {@code index} of the row (merged with the stored document when it has unchanged columns,
 * {@link UnchangedColumns}) or a {@code delete}, under the key's document id and with the event's
 * external version; a TRUNCATE empties the index instead. It first makes sure the index exists and
 * maps the row's new fields. Rows of tables without a primary key follow {@code keyless-tables}:
 * hashed ids, left out, or rejected. An event that cannot be written as it is (a bad value or
 * key, a version out of bounds) is a permanent failure of that event only. Lane thread only.
 */
final class BulkActions {

    /** Logs under the sink's name, as before the sink was split. */
    private static final System.Logger LOG = System.getLogger(ElasticsearchSink.class.getName());

    private final IndexNames names;
    private final ExternalVersions versions;
    private final KeylessTables keyless;
    private final String instanceName;
    private final Indexes indexes;
    private final TableShapes shapes;
    private final UnchangedColumns unchanged;
    private final BulkSender sender;

    /** Keyless tables already reported (at their schema, or at their first row without one). */
    private final Set<TableId> keylessReported = new HashSet<>();
    private long keylessSkipped;

    BulkActions(IndexNames names, ExternalVersions versions, KeylessTables keyless, String instanceName,
                Indexes indexes, TableShapes shapes, UnchangedColumns unchanged, BulkSender sender) {
        this.names = names;
        this.versions = versions;
        this.keyless = keyless;
        this.instanceName = instanceName;
        this.indexes = indexes;
        this.shapes = shapes;
        this.unchanged = unchanged;
        this.sender = sender;
    }

    /** Says once, when the sink first sees a table without a primary key, what it does with its rows. */
    void reportKeyless(TableId table) {
        if (!keylessReported.add(table)) {
            return;
        }
        keyless.report(LOG, instanceName, table, "indexed under", "document");
    }

    /** Rows of keyless tables left out under {@code keyless-tables: skip}. */
    long keylessSkipped() {
        return keylessSkipped;
    }

    /** Adds the actions of one event of {@code batch} to the bulk body (or fails the event, or truncates). */
    void write(ChangeEvent e, UnchangedColumns.Batch batch) throws Exception {
        if (e.operation() == Operation.TRUNCATE) {
            sender.drain(); // earlier rows first
            String index = names.of(e.table(), e.commitTime());
            indexes.truncate(index);
            batch.truncated(index);
            return;
        }
        String index = names.of(e.table(), e.commitTime());
        long version;
        try {
            version = versions.of(e);
        } catch (CdcException ex) {
            sender.fail(e, ex.getMessage(), false);
            return;
        }
        Indexes.State state = indexes.ensure(index, e.table(), shapes.schema(e.table()));
        if (version < state.migratedAt) {
            // older than the migration that last moved the index: it was written before the move and
            // copied with it (its delete's tombstone did not move), so replaying it now is stale
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        int actions;
        try (JsonGenerator g = EsJson.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.setRootValueSeparator(null);
            if (e.key().isEmpty()) {
                actions = writeKeyless(g, e, state, version);
            } else {
                writeKeyed(g, e, index, state, version, batch);
                actions = 1;
            }
        } catch (EsJson.InvalidValueException | RejectedEvent ex) {
            sender.fail(e, ex.getMessage(), false);
            return;
        } catch (EsClient.EsRequestException ex) {
            sender.fail(e, ex.getMessage(), false);
            return;
        }
        if (actions == 0) {
            return; // left out (keyless-tables: skip): written, as far as the lane is concerned
        }
        out.write('\n');
        sender.add(e, out.toByteArray(), actions);
    }

    private void writeKeyed(JsonGenerator g, ChangeEvent e, String index, Indexes.State state, long version,
                            UnchangedColumns.Batch batch) throws IOException {
        DocRef ref = new DocRef(index, DocumentIds.of(e.key()));
        if (e.isDelete()) {
            delete(g, ref.id(), index, version);
            batch.remember(ref, NullNode.getInstance());
            return;
        }
        Row after = e.after().orElseThrow();
        if (after.hasUnchanged()) {
            ObjectNode merged = unchanged.merge(e.table(), batch.base(ref), after);
            addFieldMappings(state, e.table(), after);
            index(g, ref.id(), index, version, merged);
            batch.remember(ref, merged);
        } else {
            addFieldMappings(state, e.table(), after);
            index(g, ref.id(), index, version, e.table(), after);
            if (batch.hasUnchanged()) {
                batch.remember(ref, shapes.toTree(e.table(), after));
            }
        }
    }

    private int writeKeyless(JsonGenerator g, ChangeEvent e, Indexes.State state, long version) throws IOException {
        reportKeyless(e.table());
        if (keyless == KeylessTables.SKIP) {
            keylessSkipped++;
            return 0;
        }
        if (keyless == KeylessTables.FAIL) {
            throw new RejectedEvent("table " + e.table() + " has no primary key, so its rows have no document id;"
                    + " give the table a primary key, or set the sink option keyless-tables: hash");
        }
        String index = state.alias;
        if (e.latestRow().hasUnchanged()) {
            throw new RejectedEvent("a row of " + e.table() + " (no primary key) has unchanged columns, so its"
                    + " hash id cannot be computed; send full rows (PostgreSQL: REPLICA IDENTITY FULL)");
        }
        switch (e.operation()) {
            case CREATE, READ -> {
                addFieldMappings(state, e.table(), e.after().orElseThrow());
                index(g, DocumentIds.hash(e.table(), e.after().get()), index, version, e.table(), e.after().get());
                return 1;
            }
            case DELETE -> {
                Row before = e.before().orElseThrow(() -> new RejectedEvent("a DELETE of " + e.table()
                        + " (no primary key) has no before row, so the document to delete is unknown;"
                        + " send full before rows (PostgreSQL: REPLICA IDENTITY FULL)"));
                delete(g, DocumentIds.hash(e.table(), before), index, version);
                return 1;
            }
            case UPDATE -> {
                Row before = e.before().orElseThrow(() -> new RejectedEvent("an UPDATE of " + e.table()
                        + " (no primary key) has no before row, so the document to replace is unknown;"
                        + " send full before rows (PostgreSQL: REPLICA IDENTITY FULL)"));
                Row after = e.after().orElseThrow();
                String oldId = DocumentIds.hash(e.table(), before);
                String newId = DocumentIds.hash(e.table(), after);
                addFieldMappings(state, e.table(), after);
                if (oldId.equals(newId)) {
                    index(g, newId, index, version, e.table(), after);
                    return 1;
                }
                delete(g, oldId, index, version);
                g.writeRaw('\n');
                index(g, newId, index, version, e.table(), after);
                return 2;
            }
            default -> throw new AssertionError(e.operation());
        }
    }

    private void addFieldMappings(Indexes.State state, TableId table, Row row) {
        Map<String, Map<String, Object>> added = shapes.newFields(state, table, row);
        if (!added.isEmpty()) {
            indexes.addFields(state, added);
        }
    }

    // ---------------------------------------------------------------- action lines

    private static void delete(JsonGenerator g, String id, String index, long version) throws IOException {
        action(g, "delete", id, index, version);
    }

    private static void actionLine(JsonGenerator g, String id, String index, long version) throws IOException {
        action(g, "index", id, index, version);
        g.writeRaw('\n');
    }

    /** {@code {"<kind>":{"_index":..,"_id":..,"version":..,"version_type":"external"}}} */
    private static void action(JsonGenerator g, String kind, String id, String index, long version)
            throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart(kind);
        g.writeStringField("_index", index);
        g.writeStringField("_id", id);
        g.writeNumberField("version", version);
        g.writeStringField("version_type", "external");
        g.writeEndObject();
        g.writeEndObject();
    }

    private void index(JsonGenerator g, String id, String index, long version, TableId table, Row row)
            throws IOException {
        actionLine(g, id, index, version);
        g.writeStartObject();
        for (Map.Entry<String, Object> c : row.asMap().entrySet()) {
            g.writeFieldName(c.getKey());
            EsJson.write(g, c.getValue(), shapes.isJson(table, c.getKey()));
        }
        g.writeEndObject();
    }

    private static void index(JsonGenerator g, String id, String index, long version, JsonNode source)
            throws IOException {
        actionLine(g, id, index, version);
        g.writeTree(source);
    }
}
