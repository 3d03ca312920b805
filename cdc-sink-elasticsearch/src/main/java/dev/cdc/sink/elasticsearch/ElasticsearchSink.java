package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.PartialWriteException;
import dev.cdc.api.error.PartialWriteException.EventFailure;
import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.Sink;
import dev.cdc.format.KeylessTables;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
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
 * This class owns the lifecycle, the order of schema changes against rows, and what a flush
 * reports; the work is done by its parts: {@link BulkActions} turns events into bulk actions,
 * {@link UnchangedColumns} merges TOAST updates, {@link BulkSender} sends and classifies the
 * responses, {@link StaleRejections} tells stale rows among the refused ones, {@link Indexes}
 * manages indexes, aliases and mappings (and migrations), {@link TableShapes} knows each table's
 * schema. Called from one lane thread; bulk requests run concurrently up to {@code max-in-flight}.
 */
final class ElasticsearchSink implements Sink {

    private static final System.Logger LOG = System.getLogger(ElasticsearchSink.class.getName());

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

    private final TableShapes shapes;
    private EsClient client;
    private Indexes indexes;
    private BulkSender sender;
    private UnchangedColumns unchanged;
    private BulkActions actions;
    private StaleRejections stale;
    private boolean closed;

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
        this.shapes = new TableShapes(mappings);
    }

    @Override
    public void open() {
        client = EsClient.connect(settings);
        indexes = new Indexes(client, mappings, indexSettings);
        sender = new BulkSender(client, maxActions, maxBytes, maxInFlight, flushInterval);
        unchanged = new UnchangedColumns(client, sender, names, shapes);
        actions = new BulkActions(names, versions, keyless, instanceName, indexes, shapes, unchanged, sender);
        stale = new StaleRejections(client, names, versions, indexes, shapes, instanceName);
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

    /** Rows of keyless tables left out under {@code keyless-tables: skip}. */
    long keylessSkipped() {
        return actions == null ? 0 : actions.keylessSkipped();
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
            shapes.remove(change.table());
            return; // a dropped table keeps its index: dropping search data is left to people
        }
        TableSchema after = change.after().get();
        if (!after.hasPrimaryKey()) {
            actions.reportKeyless(change.table());
        }
        sender.drain(); // rows of the old shape go first
        shapes.put(change.table(), after);
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
            UnchangedColumns.Batch batch = unchanged.lookUp(events);
            for (ChangeEvent e : events) {
                actions.write(e, batch);
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
        List<EventFailure> failures = stale.withoutStale(sender.takeFailures(), sender.takeDocumentRejections());
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

    /** The document id of a key: {@link DocumentIds#of}. */
    static String documentId(Row key) {
        return DocumentIds.of(key);
    }

    /** The document id of a keyless table's row: {@link DocumentIds#hash}. */
    static String hashId(TableId table, Row row) {
        return DocumentIds.hash(table, row);
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
}
