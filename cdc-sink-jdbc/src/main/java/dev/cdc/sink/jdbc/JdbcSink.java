package dev.cdc.sink.jdbc;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.RetriableException;
import dev.cdc.api.error.SchemaEvolutionException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.spi.Sink;
import dev.cdc.sink.jdbc.migrate.DdlStep;
import dev.cdc.sink.jdbc.migrate.MigrationPlanner;
import dev.cdc.sink.jdbc.migrate.Migrator;
import dev.cdc.sink.jdbc.table.ColumnDefs;
import dev.cdc.sink.jdbc.table.TableNames;
import dev.cdc.sink.jdbc.table.TableRef;
import dev.cdc.sink.jdbc.table.TargetCatalog;
import dev.cdc.sink.jdbc.table.TombstoneTable;
import dev.cdc.sink.jdbc.write.BatchCompactor;
import dev.cdc.sink.jdbc.write.Session;
import dev.cdc.sink.jdbc.write.SqlErrors;
import dev.cdc.sink.jdbc.write.TableWriter;
import dev.cdc.sink.jdbc.write.Tombstones;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes change events into a SQL database: {@code write} collects, {@code flush} writes the batch
 * in one transaction (compacted to the newest change per key, multi-row upserts and deletes guarded
 * by the hidden sort key column, tombstones for deletes and truncates) and commits, so an
 * acknowledged batch is durable and a failed one leaves nothing behind. Schema changes become DDL
 * ({@link MigrationPlanner}), applied between the rows of the old and the new shape, and previewed
 * without a connection. See docs/cdc-sink-jdbc.md. Called from one lane thread, as the Sink
 * contract says.
 */
final class JdbcSink implements Sink {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSink.class);
    private static final Duration PURGE_EVERY = Duration.ofHours(1);

    private final JdbcSinkConfig config;
    private final Clock clock = Clock.systemUTC();
    private final TableNames names;
    private final MigrationPlanner planner;
    private final Session session;
    private final Tombstones tombstones;
    private final TargetTables tables;
    private final TableWriter writer;
    private final List<ChangeEvent> pending = new ArrayList<>();
    private Instant lastPurge = Instant.EPOCH;
    private boolean open;

    JdbcSink(JdbcSinkConfig config) {
        this.config = config;
        this.names = new TableNames(config.dialect(), config.schema(), config.tableName());
        TableRef tombstoneTable = new TableRef(config.fixedSchema(), config.tombstoneTable());
        this.planner = new MigrationPlanner(config.dialect(), names, new ColumnDefs(config.dialect(),
                config.columnTypes()), new MigrationPlanner.Settings(config.dropColumns(), config.dropTables(),
                config.keyless(), config.sortKeyColumn(), tombstoneTable));
        this.session = new Session(config.url(), config.connection(), config.dialect());
        this.tombstones = new Tombstones(config.dialect(), tombstoneTable);
        this.tables = new TargetTables(config, names, planner, session);
        this.writer = new TableWriter(config.dialect(), session, tombstones, config.sortKeyColumn(),
                config.rowsPerStatement(), config.sink());
    }

    @Override
    public void open() {
        try {
            Migrator migrator = new Migrator(config.dialect(), new TargetCatalog(config.dialect()), session, config.sink());
            TableRef t = tombstones.table();
            List<DdlStep> create = new ArrayList<>();
            t.schema().ifPresent(s -> create.add(new DdlStep(List.of(config.dialect().createSchema(s)),
                    x -> x.schemaExists(s), Optional.empty(), Optional.empty())));
            create.add(new DdlStep(List.of(TombstoneTable.create(config.dialect(), t)), x -> x.table(t).isPresent(),
                    Optional.empty(), Optional.empty()));
            migrator.apply(create);
            tombstones.load(session, clock.instant().minus(config.tombstoneRetention()));
            lastPurge = clock.instant();
        } catch (SQLException e) {
            session.abort(true);
            throw SqlErrors.translate(e, config.sink(), "connecting to " + config.redactedUrl() + " and preparing the"
                    + " tombstone table " + tombstones.table(), config.user());
        }
        open = true;
        LOG.info("sink '{}': connected to {} ({} dialect)", config.sink(), config.redactedUrl(), config.dialect().name());
    }

    @Override
    public Set<SchemaChangeKind> supportedSchemaChanges() {
        return EnumSet.allOf(SchemaChangeKind.class);
    }

    @Override
    public void write(List<ChangeEvent> events) {
        requireOpen();
        pending.addAll(events);
    }

    @Override
    public void flush() {
        requireOpen();
        if (pending.isEmpty()) {
            return;
        }
        List<BatchCompactor.Part> parts = BatchCompactor.compact(pending);
        String doing = "writing " + pending.size() + " changes of " + tablesOf(parts);
        try {
            Instant now = clock.instant();
            Map<TableId, TargetTables.State> ready = prepare(parts);
            for (BatchCompactor.Part part : parts) {
                TargetTables.State s = ready.get(part.table());
                if (s == null) {
                    continue; // a truncate of a table the target does not have
                }
                if (part instanceof BatchCompactor.Rows rows) {
                    writer.write(s.target(), rows.events(), now);
                } else if (part instanceof BatchCompactor.Truncate truncate) {
                    writer.truncate(s.target(), truncate.event(), now);
                }
            }
            session.connection().commit();
            if (now.isAfter(lastPurge.plus(PURGE_EVERY))) {
                int purged = tombstones.purge(session, now.minus(config.tombstoneRetention()));
                lastPurge = now;
                LOG.debug("sink '{}': removed {} tombstones older than {}", config.sink(), purged,
                        config.tombstoneRetention());
            }
        } catch (SQLException e) {
            fail(SqlErrors.retriable(e));
            throw SqlErrors.translate(e, config.sink(), doing, config.user());
        } catch (RuntimeException e) {
            fail(false);
            throw e;
        } finally {
            pending.clear();
        }
    }

    /** Creates or completes the tables of the batch (DDL, before the batch's transaction begins). */
    private Map<TableId, TargetTables.State> prepare(List<BatchCompactor.Part> parts) throws SQLException {
        Map<TableId, List<ChangeEvent>> byTable = new LinkedHashMap<>();
        for (BatchCompactor.Part part : parts) {
            List<ChangeEvent> events = byTable.computeIfAbsent(part.table(), t -> new ArrayList<>());
            if (part instanceof BatchCompactor.Rows rows) {
                events.addAll(rows.events());
            }
        }
        Map<TableId, TargetTables.State> ready = new LinkedHashMap<>();
        for (Map.Entry<TableId, List<ChangeEvent>> t : byTable.entrySet()) {
            tables.ready(t.getKey(), t.getValue()).ifPresent(s -> ready.put(t.getKey(), s));
        }
        return ready;
    }

    @Override
    public void applySchemaChange(SchemaChangeEvent change) {
        requireOpen();
        flush(); // rows of the old shape first
        try {
            List<String> ran = tables.migrate(change);
            for (SchemaChange c : change.changes()) {
                if (c instanceof SchemaChange.RenameTable r) {
                    tombstones.renamed(names.of(r.from()).toString(), names.of(r.to()).toString());
                }
            }
            if (!ran.isEmpty()) {
                LOG.info("sink '{}': applied the schema change of {} at {}: {}", config.sink(), change.table(),
                        change.position(), String.join("; ", ran));
            }
        } catch (SQLException e) {
            fail(SqlErrors.retriable(e));
            String sql = e instanceof Migrator.StepFailed f ? " running " + f.sql() : "";
            CdcException error = SqlErrors.translate(e, config.sink(), "migrating " + change.table() + " for "
                    + change.changes().stream().map(c -> c.describe()).toList() + sql, config.user());
            if (error instanceof RetriableException) {
                throw error;
            }
            throw new SchemaEvolutionException(error.getMessage(), change, e);
        } catch (CdcException e) {
            fail(false);
            throw e instanceof SchemaEvolutionException ? e : new SchemaEvolutionException(e.getMessage(), change, e);
        }
    }

    @Override
    public List<String> previewSchemaChange(SchemaChangeEvent change) {
        List<String> out = new ArrayList<>();
        for (DdlStep step : planner.plan(change)) {
            out.addAll(step.preview());
        }
        return out;
    }

    private void fail(boolean connectionMayBeBroken) {
        session.abort(connectionMayBeBroken);
        tables.forget();
    }

    private static String tablesOf(List<BatchCompactor.Part> parts) {
        return parts.stream().map(BatchCompactor.Part::table).distinct().map(TableId::toString).toList().toString();
    }

    private void requireOpen() {
        if (!open) {
            throw new IllegalStateException("sink '" + config.sink() + "' is not open");
        }
    }

    @Override
    public void close() {
        open = false;
        pending.clear();
        session.close();
    }

    @Override
    public String toString() {
        return "jdbc sink '" + config.sink() + "' -> " + config.redactedUrl() + " (" + config.dialect().name() + ")";
    }
}
