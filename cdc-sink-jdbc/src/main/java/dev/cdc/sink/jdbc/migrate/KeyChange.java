package dev.cdc.sink.jdbc.migrate;

import dev.cdc.api.schema.SchemaChange;
import dev.cdc.sink.jdbc.JdbcSinkOptions.KeylessMode;
import dev.cdc.sink.jdbc.dialect.Dialect;
import dev.cdc.sink.jdbc.table.TableRef;
import dev.cdc.sink.jdbc.table.TargetTable;

import java.util.List;
import java.util.Optional;

/**
 * A new primary key: the old key constraint dropped (by the name the target gives it when the step
 * runs) and the new one added. A table that loses its key follows the {@code keyless-tables} mode:
 * under {@code append} its sort key column becomes the key.
 */
final class KeyChange {

    private final Dialect dialect;
    private final MigrationPlanner.Settings settings;

    KeyChange(Dialect dialect, MigrationPlanner.Settings settings) {
        this.dialect = dialect;
        this.settings = settings;
    }

    List<DdlStep> steps(TableRef table, SchemaChange.AlterPrimaryKey key) {
        List<String> to = key.to().isEmpty() && settings.keyless() == KeylessMode.APPEND
                ? List.of(settings.sortKeyColumn()) : key.to();
        // the name PostgreSQL gives a table's key; the step reads the real one when it runs
        Optional<String> assumed = key.from().isEmpty() ? Optional.empty() : Optional.of(table.name() + "_pkey");
        List<String> preview = dialect.alterPrimaryKey(table, assumed, to);
        if (preview.isEmpty()) {
            return List.of();
        }
        DdlStep.Resolve resolve = target -> {
            Optional<TargetTable> now = target.table(table);
            Optional<String> name = now.filter(t -> !t.primaryKey().isEmpty()).flatMap(TargetTable::keyName)
                    .or(() -> now.filter(t -> !t.primaryKey().isEmpty()).map(t -> table.name() + "_pkey"));
            return dialect.alterPrimaryKey(table, name, to);
        };
        return List.of(new DdlStep(preview, t -> MigrationPlanner.keyIs(t, table, to), Optional.empty(),
                Optional.of(resolve)));
    }
}
