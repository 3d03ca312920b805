package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.PartialWriteException;
import dev.cdc.api.error.PartialWriteException.EventFailure;
import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.Sink;
import dev.cdc.format.RowHash;
import dev.cdc.format.KeylessTables;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps one Elasticsearch index per table (per the {@code index} template) equal to the source
 * table. Every write carries the event's position as an external version
 * ({@code version_type=external}), so a replay, a retry or a late delivery of an older row is
 * rejected by Elasticsearch with a 409, which the sink counts as success.
 *
 * <ul>
 *   <li>CREATE, READ, UPDATE: {@code index} of the whole row under the document id of the key.</li>
 *   <li>UPDATE with unchanged (TOAST) columns: the sink reads the stored document (or the row
 *   written earlier in the same batch), replaces the sent columns and indexes the merged row with
 *   the event's version; the stored values of the unchanged columns are kept.</li>
 *   <li>DELETE: {@code delete} with the event's version; the tombstone rejects older rows for
 *   {@code index.gc_deletes} (60 s by default).</li>
 *   <li>TRUNCATE: a new empty version of the index, with the same mapping, takes the alias.</li>
 * </ul>
 * Called from one lane thread; bulk requests run concurrently up to {@code max-in-flight}.
 */
final class ElasticsearchSink implements Sink {

    private static final System.Logger LOG = System.getLogger(ElasticsearchSink.class.getName());

    /** Where a document lives. */
    private record DocRef(String index, String id) {
    }

    private final EsClient.Settings settings;
    private final IndexNames names;
    private final FieldMappings mappings;
    private final ExternalVersions versions;
    private final KeylessTables keyless;
    private final Map<String, String> indexSettings;
    private final int maxActions;
    private final long maxBytes;
    private final int maxInFlight;
    private final Duration flushInterval;
    private final String instanceName;

    private final Map<TableId, TableSchema> schemas = new HashMap<>();
    /** Keyless tables already reported (at their schema, or at their first row without one). */
    private final Set<TableId> keylessReported = new java.util.HashSet<>();
    private long keylessSkipped;
    private final Map<TableId, Map<String, Boolean>> jsonColumns = new HashMap<>();
    private EsClient client;
    private Indexes indexes;
    private BulkSender sender;
    private boolean closed;
    /** Whether the batch being written has an update with unchanged columns (then rows are remembered). */
    private boolean batchHasUnchanged;

    ElasticsearchSink(EsClient.Settings settings, IndexNames names, FieldMappings mappings, ExternalVersions versions,
                      KeylessTables keyless, Map<String, String> indexSettings, int maxActions, long maxBytes,
                      int maxInFlight, Duration flushInterval, String instanceName) {
        this.settings = settings;
        this.names = names;
        this.mappings = mappings;
        this.versions = versions;
        this.keyless = keyless;
        this.indexSettings = indexSettings;
        this.maxActions = maxActions;
        this.maxBytes = maxBytes;
        this.maxInFlight = maxInFlight;
        this.flushInterval = flushInterval;
        this.instanceName = instanceName;
    }

    @Override
    public void open() {
        client = EsClient.connect(settings);
        indexes = new Indexes(client, mappings, indexSettings);
        sender = new BulkSender(client, maxActions, maxBytes, maxInFlight, flushInterval);
        client.send("GET", "/_cluster/health", null, false);
        if (mappings.decimalMapping() == ElasticsearchOptions.DecimalMapping.SCALED_FLOAT) {
            requireScaledFloat();
        }
        LOG.log(System.Logger.Level.INFO, "sink ''{0}'': connected to Elasticsearch ({1})", instanceName, settings);
    }

    /**
     * {@code scaled_float} comes with the mapper-extras module, which not every build has (the
     * minimal integ-test distribution lacks it): without it every index creation would fail later.
     */
    private void requireScaledFloat() {
        JsonNode nodes = client.json("GET", "/_nodes/plugins?filter_path=nodes.*.modules.name,nodes.*.plugins.name", null)
                .path("nodes");
        List<String> missing = new ArrayList<>();
        nodes.fields().forEachRemaining(n -> {
            boolean has = false;
            for (JsonNode m : n.getValue().path("modules")) {
                has |= m.path("name").asText().equals("mapper-extras");
            }
            if (!has) {
                missing.add(n.getKey());
            }
        });
        if (!missing.isEmpty() || nodes.isEmpty()) {
            throw new CdcException("sink '" + instanceName + "': decimal-mapping: scaled-float needs Elasticsearch's"
                    + " mapper-extras module, which node(s) " + missing + " of this cluster lack; use"
                    + " decimal-mapping: keyword (exact, the default) or double");
        }
    }

    /** Says once, when the sink first sees a table without a primary key, what it does with its rows. */
    private void reportKeyless(TableId table) {
        if (!keylessReported.add(table)) {
            return;
        }
        keyless.report(LOG, instanceName, table, "indexed under", "document");
    }

    /** Rows of keyless tables left out under {@code keyless-tables: skip}. */
    long keylessSkipped() {
        return keylessSkipped;
    }

    @Override
    public Set<SchemaChangeKind> supportedSchemaChanges() {
        return EnumSet.of(SchemaChangeKind.CREATE_TABLE, SchemaChangeKind.ADD_COLUMN, SchemaChangeKind.ALTER_COLUMN_TYPE,
                SchemaChangeKind.DROP_COLUMN, SchemaChangeKind.ALTER_COLUMN_NULLABILITY,
                SchemaChangeKind.ALTER_COLUMN_DEFAULT);
    }

    @Override
    public void applySchemaChange(SchemaChangeEvent change) throws Exception {
        requireOpen();
        if (change.after().isEmpty()) {
            schemas.remove(change.table());
            jsonColumns.remove(change.table());
            return; // a dropped table keeps its index: dropping search data is left to people
        }
        TableSchema after = change.after().get();
        if (!after.hasPrimaryKey()) {
            reportKeyless(change.table());
        }
        sender.drain(); // rows of the old shape go first
        schemas.put(change.table(), after);
        jsonColumns.remove(change.table());
        indexes.apply(names.of(change.table(), change.commitTime()), change, after, changeVersion(change));
    }

    @Override
    public List<String> previewSchemaChange(SchemaChangeEvent change) {
        return MappingPreview.of(names.of(change.table(), change.commitTime()), mappings, indexSettings, change);
    }

    @Override
    public void write(List<ChangeEvent> events) throws Exception {
        requireOpen();
        try {
            Map<DocRef, JsonNode> stored = lookUpUnchanged(events);
            Map<DocRef, JsonNode> recent = new HashMap<>();
            for (ChangeEvent e : events) {
                writeOne(e, stored, recent);
            }
        } catch (Exception e) {
            sender.discard();
            throw e;
        }
    }

    @Override
    public void flush() throws Exception {
        requireOpen();
        sender.drain();
        Optional<Exception> outage = sender.takeOutage();
        if (outage.isPresent()) {
            // the cluster did not take the request: an outage, retried as a whole until it ends
            sender.takeFailures();
            sender.takeDocumentRejections();
            throw (RetriableException) outage.get();
        }
        List<EventFailure> failures = withoutStale(sender.takeFailures(), sender.takeDocumentRejections());
        if (!failures.isEmpty()) {
            PartialWriteException partial = new PartialWriteException(failures);
            failures.stream().filter(EventFailure::retriable).findFirst().ifPresent(f ->
                    // the engine's retry policy looks for a RetriableException in the cause chain
                    partial.initCause(new RetriableException(f.reason())));
            throw partial;
        }
    }

    /** The external version of a schema change's position; 0 (none) when it is outside the limits. */
    private long changeVersion(SchemaChangeEvent change) {
        try {
            return versions.of(change.position().sortKey());
        } catch (CdcException e) {
            return 0;
        }
    }

    private long versionOf(ChangeEvent e) {
        return e.operation() == Operation.READ ? versions.ofSnapshotRow(e.position().sortKey())
                : versions.of(e.position().sortKey());
    }

    /**
     * The failures without the document rejections of stale rows. Elasticsearch parses a document
     * before it compares versions, so a replayed row of an older shape (an int for a field that
     * is a date since a migration) is refused with a 400 even where a newer version is stored and
     * an up-to-date row would get a 409. Such a row is stale, and counted as written, when its
     * version is older than the migration that moved its index (everything older was written
     * before the move and copied with it), or not newer than the stored document's version. Other
     * rejections stay failures.
     */
    private List<EventFailure> withoutStale(List<EventFailure> failures, Set<ChangeEvent> rejections) {
        if (rejections.isEmpty()) {
            return failures;
        }
        Map<EventFailure, DocRef> candidates = new LinkedHashMap<>();
        Map<EventFailure, Long> eventVersions = new HashMap<>();
        List<EventFailure> kept = new ArrayList<>();
        for (EventFailure f : failures) {
            ChangeEvent e = f.event();
            if (rejections.contains(e) && !e.key().isEmpty() && !e.isDelete()) {
                try {
                    String index = names.of(e.table(), e.commitTime());
                    long version = versionOf(e);
                    Indexes.State state = indexes.ensure(index, e.table(), Optional.ofNullable(schemas.get(e.table())));
                    if (version < state.migratedAt) {
                        LOG.log(System.Logger.Level.DEBUG, "sink ''{0}'': a row of {1} older than the migration of"
                                + " index ''{2}'' was refused ({3}); it is stale, counted as written", instanceName,
                                e.table(), index, f.reason());
                        continue;
                    }
                    candidates.put(f, new DocRef(index, documentId(e.key())));
                    eventVersions.put(f, version);
                    continue;
                } catch (RuntimeException ex) {
                    // fall through: keep the failure as it is
                }
            }
            kept.add(f);
        }
        if (candidates.isEmpty()) {
            return kept;
        }
        ObjectNode body = EsJson.MAPPER.createObjectNode();
        var docs = body.putArray("docs");
        candidates.values().forEach(r -> docs.addObject().put("_index", r.index()).put("_id", r.id())
                .put("_source", false));
        JsonNode answers;
        try {
            answers = client.json("POST", "/_mget", body.toString()).path("docs");
        } catch (RuntimeException ex) {
            // cannot tell whether they are stale now: retriable, the retry writes and checks them again
            candidates.keySet().forEach(f -> kept.add(new EventFailure(f.event(), f.reason()
                    + "; and reading the stored version to check whether the row is stale failed: " + ex.getMessage(),
                    true)));
            return kept;
        }
        int i = 0;
        for (Map.Entry<EventFailure, DocRef> c : candidates.entrySet()) {
            JsonNode d = answers.path(i++);
            boolean stale = d.path("found").asBoolean() && d.path("_version").asLong() >= eventVersions.get(c.getKey());
            if (!stale) {
                kept.add(c.getKey());
            }
        }
        return kept;
    }

    // ---------------------------------------------------------------- one event

    private void writeOne(ChangeEvent e, Map<DocRef, JsonNode> stored, Map<DocRef, JsonNode> recent)
            throws Exception {
        if (e.operation() == Operation.TRUNCATE) {
            truncate(e);
            recent.keySet().removeIf(r -> r.index().equals(names.of(e.table(), e.commitTime())));
            return;
        }
        String index = names.of(e.table(), e.commitTime());
        long version;
        try {
            version = versionOf(e);
        } catch (CdcException ex) {
            sender.fail(e, ex.getMessage(), false);
            return;
        }
        Indexes.State state = indexes.ensure(index, e.table(), Optional.ofNullable(schemas.get(e.table())));
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
                DocRef ref = new DocRef(index, documentId(e.key()));
                if (e.isDelete()) {
                    delete(g, ref.id(), index, version);
                    recent.put(ref, NullNode.getInstance());
                } else {
                    Row after = e.after().orElseThrow();
                    if (after.hasUnchanged()) {
                        JsonNode base = recent.containsKey(ref) ? recent.get(ref) : stored.get(ref);
                        ObjectNode merged = merge(e.table(), base, after);
                        addFieldMappings(state, e.table(), after);
                        index(g, ref.id(), index, version, merged);
                        recent.put(ref, merged);
                    } else {
                        addFieldMappings(state, e.table(), after);
                        index(g, ref.id(), index, version, e.table(), after);
                        if (batchHasUnchanged) {
                            recent.put(ref, toTree(e.table(), after));
                        }
                    }
                }
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
                index(g, hashId(e.table(), e.after().get()), index, version, e.table(), e.after().get());
                return 1;
            }
            case DELETE -> {
                Row before = e.before().orElseThrow(() -> new RejectedEvent("a DELETE of " + e.table()
                        + " (no primary key) has no before row, so the document to delete is unknown;"
                        + " send full before rows (PostgreSQL: REPLICA IDENTITY FULL)"));
                delete(g, hashId(e.table(), before), index, version);
                return 1;
            }
            case UPDATE -> {
                Row before = e.before().orElseThrow(() -> new RejectedEvent("an UPDATE of " + e.table()
                        + " (no primary key) has no before row, so the document to replace is unknown;"
                        + " send full before rows (PostgreSQL: REPLICA IDENTITY FULL)"));
                Row after = e.after().orElseThrow();
                String oldId = hashId(e.table(), before);
                String newId = hashId(e.table(), after);
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

    private void truncate(ChangeEvent e) throws Exception {
        sender.drain(); // earlier rows first
        indexes.truncate(names.of(e.table(), e.commitTime()));
    }

    // ---------------------------------------------------------------- actions

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
            EsJson.write(g, c.getValue(), isJson(table, c.getKey()));
        }
        g.writeEndObject();
    }

    private static void index(JsonGenerator g, String id, String index, long version, ObjectNode source)
            throws IOException {
        actionLine(g, id, index, version);
        g.writeTree(source);
    }

    // ---------------------------------------------------------------- unchanged columns

    /**
     * The stored documents of the keys whose update has unchanged columns and whose earlier row
     * is not in this batch: read after every earlier request is answered, so they are current.
     */
    private Map<DocRef, JsonNode> lookUpUnchanged(List<ChangeEvent> events) throws Exception {
        batchHasUnchanged = false;
        Set<DocRef> seen = new java.util.HashSet<>();
        Map<String, List<String>> wanted = new LinkedHashMap<>();
        for (ChangeEvent e : events) {
            if (e.operation() == Operation.TRUNCATE || e.key().isEmpty()) {
                continue;
            }
            DocRef ref;
            try {
                ref = new DocRef(names.of(e.table(), e.commitTime()), documentId(e.key()));
            } catch (RuntimeException ex) {
                continue; // reported when the event is written
            }
            if (e.after().isPresent() && e.after().get().hasUnchanged()) {
                batchHasUnchanged = true;
            }
            if (e.after().isPresent() && e.after().get().hasUnchanged() && !seen.contains(ref)) {
                wanted.computeIfAbsent(ref.index(), i -> new ArrayList<>()).add(ref.id());
            }
            seen.add(ref);
        }
        if (wanted.isEmpty()) {
            return Map.of();
        }
        sender.drain();
        ObjectNode body = EsJson.MAPPER.createObjectNode();
        var docs = body.putArray("docs");
        List<DocRef> asked = new ArrayList<>();
        wanted.forEach((index, ids) -> ids.forEach(id -> {
            docs.addObject().put("_index", index).put("_id", id);
            asked.add(new DocRef(index, id));
        }));
        JsonNode reply = client.json("POST", "/_mget", body.toString());
        Map<DocRef, JsonNode> found = new HashMap<>();
        JsonNode answers = reply.path("docs");
        for (int i = 0; i < asked.size(); i++) {
            JsonNode d = answers.path(i);
            // answers come in the order asked; a missing index answers an error: no stored row
            found.put(asked.get(i), d.path("found").asBoolean() ? d.path("_source") : NullNode.getInstance());
        }
        return found;
    }

    private ObjectNode merge(TableId table, JsonNode base, Row after) throws IOException {
        ObjectNode merged = EsJson.MAPPER.createObjectNode();
        for (Map.Entry<String, Object> c : after.asMap().entrySet()) {
            if (c.getValue() == Unchanged.VALUE) {
                if (base != null && base.has(c.getKey())) {
                    merged.set(c.getKey(), base.get(c.getKey()));
                }
            } else {
                merged.set(c.getKey(), valueTree(table, c.getKey(), c.getValue()));
            }
        }
        if (base != null && base.isObject()) {
            // columns the event does not name at all (a source that omits them) keep their value too
            base.fields().forEachRemaining(f -> {
                if (!after.has(f.getKey())) {
                    merged.set(f.getKey(), f.getValue());
                }
            });
        }
        return merged;
    }

    private ObjectNode toTree(TableId table, Row row) throws IOException {
        ObjectNode node = EsJson.MAPPER.createObjectNode();
        for (Map.Entry<String, Object> c : row.asMap().entrySet()) {
            node.set(c.getKey(), valueTree(table, c.getKey(), c.getValue()));
        }
        return node;
    }

    private JsonNode valueTree(TableId table, String column, Object value) throws IOException {
        var buffer = new com.fasterxml.jackson.databind.util.TokenBuffer(EsJson.MAPPER, false);
        EsJson.write(buffer, value, isJson(table, column));
        return EsJson.MAPPER.readTree(buffer.asParser());
    }

    // ---------------------------------------------------------------- mappings and ids

    private void addFieldMappings(Indexes.State state, TableId table, Row row) {
        Map<String, Map<String, Object>> added = null;
        for (Map.Entry<String, Object> c : row.asMap().entrySet()) {
            if (state.fields.containsKey(c.getKey()) || c.getValue() == Unchanged.VALUE) {
                continue;
            }
            TableSchema schema = schemas.get(table);
            Optional<Column> column = schema == null ? Optional.empty() : schema.column(c.getKey());
            Optional<Map<String, Object>> m = column.isPresent() ? Optional.of(mappings.of(table, column.get()))
                    : mappings.ofValue(table, c.getKey(), c.getValue());
            if (m.isPresent()) {
                if (added == null) {
                    added = new LinkedHashMap<>();
                }
                added.put(c.getKey(), m.get());
            }
        }
        if (added != null) {
            indexes.addFields(state, added);
        }
    }

    private boolean isJson(TableId table, String column) {
        return jsonColumns.computeIfAbsent(table, t -> new HashMap<>()).computeIfAbsent(column, c -> {
            TableSchema schema = schemas.get(table);
            Optional<Column> col = schema == null ? Optional.empty() : schema.column(c);
            if (col.isPresent()) {
                return mappings.isJson(table, col.get());
            }
            return mappings.override(table, c).map(FieldMappings::isJsonType).orElse(false);
        });
    }

    /**
     * The document id of a key: one column's value as text; several columns as a JSON array of
     * their values in key order ({@code [1,"a"]}), which is unambiguous whatever the values hold.
     */
    static String documentId(Row key) {
        if (key.size() == 1) {
            Object v = key.asMap().values().iterator().next();
            if (v == null || v == Unchanged.VALUE) {
                throw new RejectedEvent("the key " + key + " has no value");
            }
            return EsJson.text(v);
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (JsonGenerator g = EsJson.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
                g.writeStartArray();
                for (Object v : key.asMap().values()) {
                    if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)
                            && !(v instanceof java.math.BigDecimal)) {
                        g.writeNumber(n.longValue());
                    } else if (v == null) {
                        g.writeNull();
                    } else {
                        g.writeString(EsJson.text(v));
                    }
                }
                g.writeEndArray();
            }
            String id = out.toString(StandardCharsets.UTF_8);
            if (id.getBytes(StandardCharsets.UTF_8).length > 512) {
                throw new RejectedEvent("the document id of key " + key + " is longer than the 512 bytes"
                        + " Elasticsearch allows");
            }
            return id;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A SHA-256 (hex) over the table and the row's columns and values: cdc-format's {@link RowHash}. */
    static String hashId(TableId table, Row row) {
        return RowHash.of(table, row);
    }

    /** The index bookkeeping (tests inject crashes into migrations through it). */
    Indexes indexes() {
        return indexes;
    }

    private void requireOpen() {
        if (client == null || closed) {
            throw new IllegalStateException("sink '" + instanceName + "' is not open");
        }
    }

    @Override
    public void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        if (sender != null) {
            sender.close();
        }
        if (client != null) {
            client.close();
        }
    }

    /** An event the sink cannot write as it is: permanent, with a reason a person can act on. */
    static final class RejectedEvent extends CdcException {
        RejectedEvent(String message) {
            super(message);
        }
    }

}
