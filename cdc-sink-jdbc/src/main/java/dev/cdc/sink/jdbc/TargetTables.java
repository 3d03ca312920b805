package dev.cdc.sink.jdbc;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.sink.jdbc.migrate.DdlStep;
import dev.cdc.sink.jdbc.migrate.MigrationPlanner;
import dev.cdc.sink.jdbc.migrate.Migrator;
import dev.cdc.sink.jdbc.table.ColumnDef;
import dev.cdc.sink.jdbc.table.InferredTypes;
import dev.cdc.sink.jdbc.table.TableNames;
import dev.cdc.sink.jdbc.table.TableRef;
import dev.cdc.sink.jdbc.table.TargetCatalog;
import dev.cdc.sink.jdbc.table.TargetTable;
import dev.cdc.sink.jdbc.dialect.Dialect;
import dev.cdc.sink.jdbc.write.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the sink knows of each target table: the table as the database has it (read on first use,
 * and again after every change the sink makes to it) and the logical schema the engine last gave
 * for it. Makes the table ready before rows are written: created when missing (from the schema,
 * or from the rows' values when no schema came), the sort key column and any column the rows
 * carry added. Used from the lane thread only.
 */
final class TargetTables {

    private static final Logger LOG = LoggerFactory.getLogger(TargetTables.class);

    /** One table: where it is, what it has, and its logical schema when the engine gave one. */
    record State(TableRef ref, TargetTable target, Optional<TableSchema> schema) {
    }

    private final JdbcSinkConfig config;
    private final Dialect dialect;
    private final TableNames names;
    private final TargetCatalog catalog;
    private final MigrationPlanner planner;
    private final Migrator migrator;
    private final Session session;
    private final Map<TableId, State> states = new HashMap<>();

    TargetTables(JdbcSinkConfig config, TableNames names, MigrationPlanner planner, Session session) {
        this.config = config;
        this.dialect = config.dialect();
        this.names = names;
        this.catalog = new TargetCatalog(dialect);
        this.planner = planner;
        this.session = session;
        this.migrator = new Migrator(dialect, catalog, session, config.sink());
    }

    /** Forgets what was read (after a failure the database may be other than remembered). */
    void forget() {
        states.replaceAll((id, s) -> new State(s.ref(), null, s.schema()));
    }

    /**
     * The table ready for these events of it: created, and given the sort key column and the columns
     * the rows carry, where it lacks them. Empty when the table does not exist and the events hold no
     * row (only truncates).
     */
    Optional<State> ready(TableId table, List<ChangeEvent> events) throws SQLException {
        State s = states.get(table);
        TableRef ref = s != null ? s.ref() : names.of(table);
        Optional<TableSchema> schema = s == null ? Optional.empty() : s.schema();
        TargetTable target = s != null && s.target() != null ? s.target() : catalog.read(session.connection(), ref)
                .orElse(null);
        List<ChangeEvent> rows = events.stream().filter(e -> e.operation() != Operation.TRUNCATE).toList();
        if (target == null) {
            if (rows.isEmpty()) {
                return Optional.empty();
            }
            TableSchema inferred = schema.orElseGet(() -> InferredTypes.schema(rows));
            if (schema.isEmpty()) {
                LOG.info("sink '{}': no schema was given for {}; creating {} from its rows' values: {}", config.sink(),
                        table, ref, inferred.columns().stream().map(c -> c.name() + " " + c.type().describe()).toList());
            }
            migrator.apply(planner.create(inferred, ref));
            target = catalog.read(session.connection(), ref).orElseThrow();
        }
        List<DdlStep> missing = missingColumns(table, ref, target, schema, rows);
        if (!missing.isEmpty()) {
            migrator.apply(missing);
            target = catalog.read(session.connection(), ref).orElseThrow();
        }
        State ready = new State(ref, target, schema);
        states.put(table, ready);
        return Optional.of(ready);
    }

    /** Applies a schema change's steps and records the table's new shape. */
    List<String> migrate(SchemaChangeEvent change) throws SQLException {
        List<String> ran = new ArrayList<>(migrator.apply(planner.plan(change)));
        TableRef ref = names.of(change.table());
        if (change.after().isEmpty()) {
            states.remove(change.table());
            return ran;
        }
        TableSchema after = change.after().get();
        TargetTable target = catalog.read(session.connection(), ref).orElse(null);
        if (target == null) {
            ran.addAll(migrator.apply(planner.create(after, ref)));
            target = catalog.read(session.connection(), ref).orElseThrow();
        }
        // a table that existed before its first schema, or a schema told again: add what it lacks
        List<DdlStep> missing = missingColumns(change.table(), ref, target, Optional.of(after), List.of());
        if (!missing.isEmpty()) {
            ran.addAll(migrator.apply(missing));
            target = catalog.read(session.connection(), ref).orElseThrow();
        }
        states.put(change.table(), new State(ref, target, Optional.of(after)));
        return ran;
    }

    /** ADD COLUMN steps for the sort key column and the columns of the schema and rows the table lacks. */
    private List<DdlStep> missingColumns(TableId table, TableRef ref, TargetTable target, Optional<TableSchema> schema,
                                         List<ChangeEvent> rows) {
        List<ColumnDef> add = new ArrayList<>();
        if (!target.has(config.sortKeyColumn())) {
            add.add(new ColumnDef(config.sortKeyColumn(), dialect.sortKeyType(), true, Optional.empty()));
        }
        schema.ifPresent(s -> s.columns().stream().filter(c -> !target.has(c.name()))
                .forEach(c -> add.add(planner.definition(table, c, false))));
        TableSchema known = schema.orElseGet(() -> new TableSchema(table, target.columns().keySet().stream()
                .map(c -> Column.of(c, dev.cdc.api.schema.DataType.string())).toList(), List.of()));
        List<Row> carried = new ArrayList<>();
        java.util.Set<Row.Columns> fitting = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (ChangeEvent e : rows) {
            Row r = e.after().orElse(null);
            if (r != null && !fitting.contains(r.columnNames())) {
                if (target.columns().keySet().containsAll(r.columns())) {
                    fitting.add(r.columnNames()); // rows of this shape need nothing: not checked again
                } else {
                    carried.add(r);
                }
            }
        }
        for (Column c : InferredTypes.missing(known, carried)) {
            if (!target.has(c.name()) && add.stream().noneMatch(d -> d.name().equals(c.name()))) {
                LOG.info("sink '{}': rows of {} carry column '{}', which {} lacks and no schema announced; adding it"
                        + " as {}", config.sink(), table, c.name(), ref, c.type().describe());
                add.add(planner.definition(table, c, false));
            }
        }
        List<DdlStep> steps = new ArrayList<>();
        for (ColumnDef d : add) {
            steps.add(new DdlStep(List.of(dialect.addColumn(ref, nullable(d))),
                    t -> t.table(ref).map(x -> x.has(d.name())).orElse(false), Optional.empty(), Optional.empty()));
        }
        return steps;
    }

    private static ColumnDef nullable(ColumnDef d) {
        return d.nullable() ? d : new ColumnDef(d.name(), d.sqlType(), true, d.defaultSql());
    }
}
