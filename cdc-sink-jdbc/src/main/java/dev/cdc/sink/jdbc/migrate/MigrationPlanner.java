package dev.cdc.sink.jdbc.migrate;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.sink.jdbc.JdbcSinkOptions.DropMode;
import dev.cdc.sink.jdbc.JdbcSinkOptions.KeylessMode;
import dev.cdc.sink.jdbc.dialect.Dialect;
import dev.cdc.sink.jdbc.table.ColumnDef;
import dev.cdc.sink.jdbc.table.ColumnDefs;
import dev.cdc.sink.jdbc.table.TableNames;
import dev.cdc.sink.jdbc.table.TableRef;
import dev.cdc.sink.jdbc.table.TargetTable;
import dev.cdc.sink.jdbc.table.TombstoneTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a schema change (the migration the engine hands the sink: {@code before} is the schema the
 * sink accepted, {@code changes} the diff from it) into DDL for the target, one {@link DdlStep}
 * per statement, each with the check that makes it idempotent. The same plan is what
 * {@code cdc schema plan} previews and what the sink applies. Stateless and thread-safe.
 */
public final class MigrationPlanner {

    /** The settings of the sink that shape its DDL. */
    public record Settings(DropMode dropColumns, DropMode dropTables, KeylessMode keyless, String sortKeyColumn,
                           TableRef tombstones) {
    }

    private final Dialect dialect;
    private final TableNames names;
    private final ColumnDefs defs;
    private final Settings settings;

    public MigrationPlanner(Dialect dialect, TableNames names, ColumnDefs defs, Settings settings) {
        this.dialect = dialect;
        this.names = names;
        this.defs = defs;
        this.settings = settings;
    }

    /**
     * The steps of a schema change.
     *
     * @throws CdcException when the target cannot follow it: a type it cannot hold, a name too long,
     *                      a column that clashes with the sort key column
     */
    public List<DdlStep> plan(SchemaChangeEvent change) {
        TableRef table = names.of(change.table());
        List<DdlStep> steps = new ArrayList<>();
        List<SchemaChange> changes = change.changes();
        if (change.after().isEmpty()) { // the table is gone under this name: renamed, or dropped
            for (SchemaChange c : changes) {
                if (c instanceof SchemaChange.RenameTable rename) {
                    return renameTable(names.of(rename.from()), names.of(rename.to()));
                }
            }
            if (settings.dropTables() == DropMode.DROP) {
                steps.add(DdlStep.of(dialect.dropTable(table), t -> t.table(table).isEmpty()));
            }
            return steps;
        }
        TableSchema after = change.after().get();
        if (changes.isEmpty()) {
            return create(after, table);
        }
        for (SchemaChange c : changes) {
            steps.addAll(step(c, change, after, table));
        }
        return steps;
    }

    /** The steps that create the table of {@code schema} (and its schema), skipped when they exist. */
    public List<DdlStep> create(TableSchema schema, TableRef table) {
        List<DdlStep> steps = new ArrayList<>();
        table.schema().ifPresent(s -> steps.add(DdlStep.of(dialect.createSchema(s), t -> t.schemaExists(s))));
        List<ColumnDef> columns = new ArrayList<>();
        for (Column c : schema.columns()) {
            columns.add(definition(schema.table(), c, schema.primaryKey().contains(c.name())));
        }
        boolean append = !schema.hasPrimaryKey() && settings.keyless() == KeylessMode.APPEND;
        columns.add(new ColumnDef(settings.sortKeyColumn(), dialect.sortKeyType(), !append, Optional.empty()));
        List<String> key = append ? List.of(settings.sortKeyColumn()) : schema.primaryKey();
        steps.add(DdlStep.of(dialect.createTable(table, columns, key), t -> t.table(table).isPresent()));
        return steps;
    }

    /** The definition of a column, its name checked against the database's limit. */
    public ColumnDef definition(TableId table, Column column, boolean key) {
        if (column.name().equals(settings.sortKeyColumn())) {
            throw new CdcException("table " + table + " has a column named '" + column.name() + "', the name of the"
                    + " sink's sort key column; set the sink option sort-key-column to another name");
        }
        names.checkLength(column.name(), "column name of " + table, "column");
        return defs.of(table, column, key);
    }

    private List<DdlStep> step(SchemaChange c, SchemaChangeEvent change, TableSchema after, TableRef table) {
        TableId id = change.table();
        Optional<TableSchema> before = change.before();
        if (c instanceof SchemaChange.CreateTable create) {
            return create(create.schema(), table);
        }
        if (c instanceof SchemaChange.AddColumn add) {
            ColumnDef def = definition(id, add.column(), false);
            String name = def.name();
            if (!def.nullable() && def.defaultSql().isEmpty()) {
                // rows already in the table have no value for it
                return List.of(DdlStep.of(dialect.addColumn(table, nullable(def)), t -> has(t, table, name))
                        .withNote("NOT NULL at the source; nullable here, for the rows written before it"));
            }
            DdlStep step = DdlStep.of(dialect.addColumn(table, def), t -> has(t, table, name));
            return List.of(untranslatedDefault(step, add.column(), def));
        }
        if (c instanceof SchemaChange.DropColumn drop) {
            String name = drop.column();
            if (settings.dropColumns() == DropMode.DROP) {
                return List.of(DdlStep.of(dialect.dropColumn(table, name), t -> !has(t, table, name)));
            }
            Optional<Column> old = before.flatMap(b -> b.column(name)).filter(col -> !col.nullable());
            return old.map(col -> List.of(steps(dialect.alterNullability(table, nullable(definition(id, col, false))),
                    t -> !has(t, table, name)).withNote("drop-columns keep: the column stays, nullable")))
                    .orElse(List.of());
        }
        if (c instanceof SchemaChange.RenameColumn rename) {
            return List.of(DdlStep.of(dialect.renameColumn(table, rename.from(), rename.to()),
                    t -> !has(t, table, rename.from()) && has(t, table, rename.to())));
        }
        if (c instanceof SchemaChange.AlterColumnType alter) {
            Column now = after.column(alter.column()).orElseThrow();
            ColumnDef def = definition(id, now, after.primaryKey().contains(now.name()));
            Optional<ColumnDef> was = before.flatMap(b -> b.column(alter.column())).map(col -> defs.of(id,
                    col.withName(now.name()), after.primaryKey().contains(now.name())));
            if (was.isPresent() && was.get().sqlType().equals(def.sqlType())) {
                return List.of(); // the target type does not change (int(11) to int, say)
            }
            return List.of(steps(dialect.alterType(table, def), DdlStep.NEVER_DONE));
        }
        if (c instanceof SchemaChange.AlterColumnNullability n) {
            Column now = after.column(n.column()).orElseThrow();
            ColumnDef def = definition(id, now, after.primaryKey().contains(now.name()));
            return List.of(steps(dialect.alterNullability(table, def), t -> t.table(table)
                    .flatMap(x -> x.column(n.column())).map(x -> x.nullable() == def.nullable()).orElse(false)));
        }
        if (c instanceof SchemaChange.AlterColumnDefault d) {
            Column now = after.column(d.column()).orElseThrow();
            ColumnDef def = definition(id, now, after.primaryKey().contains(now.name()));
            if (d.defaultValue().isPresent() && def.defaultSql().isEmpty()) {
                return List.of(); // an expression of the source: nothing the target can take
            }
            return List.of(steps(dialect.alterDefault(table, def), DdlStep.NEVER_DONE));
        }
        if (c instanceof SchemaChange.AlterPrimaryKey key) {
            return new KeyChange(dialect, settings).steps(table, key);
        }
        if (c instanceof SchemaChange.RenameTable rename) {
            return renameTable(names.of(rename.from()), names.of(rename.to()));
        }
        if (c instanceof SchemaChange.DropTable) {
            return settings.dropTables() == DropMode.DROP
                    ? List.of(DdlStep.of(dialect.dropTable(table), t -> t.table(table).isEmpty())) : List.of();
        }
        throw new IllegalStateException("unknown schema change " + c);
    }

    private List<DdlStep> renameTable(TableRef from, TableRef to) {
        if (from.equals(to)) {
            return List.of();
        }
        String tombstones = dialect.quote(TombstoneTable.TABLE_NAME);
        return List.of(steps(dialect.renameTable(from, to), t -> t.table(from).isEmpty() && t.table(to).isPresent()),
                DdlStep.of("UPDATE " + dialect.qualified(settings.tombstones()) + " SET " + tombstones + " = "
                        + dialect.literal(to.toString()) + " WHERE " + tombstones + " = "
                        + dialect.literal(from.toString()), DdlStep.NEVER_DONE));
    }

    private static DdlStep steps(List<String> sql, DdlStep.Check done) {
        return new DdlStep(sql, done, Optional.empty(), Optional.empty());
    }

    private static DdlStep untranslatedDefault(DdlStep step, Column column, ColumnDef def) {
        if (column.defaultValue().isPresent() && def.defaultSql().isEmpty()) {
            return step.withNote("source default " + column.defaultValue().get() + " not carried over");
        }
        return step;
    }

    private static ColumnDef nullable(ColumnDef def) {
        return new ColumnDef(def.name(), def.sqlType(), true, def.defaultSql());
    }

    static boolean has(Lookup target, TableRef table, String column) throws java.sql.SQLException {
        return target.table(table).map(t -> t.has(column)).orElse(false);
    }

    /** The target's key is already {@code key}. */
    static boolean keyIs(Lookup target, TableRef table, List<String> key) throws java.sql.SQLException {
        return target.table(table).map(TargetTable::primaryKey).map(key::equals).orElse(false);
    }
}
