package dev.cdc.source.jdbc.catalog;

import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.TableSchema;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A captured table as the catalog describes it now.
 *
 * @param id         namespace and name, as the database spells them
 * @param columns    its columns in order
 * @param primaryKey its primary-key columns in key order
 * @param estimate   the rows the database estimates, when it does
 */
public record JdbcTable(TableId id, List<JdbcColumn> columns, List<String> primaryKey, OptionalLong estimate) {

    public JdbcTable {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    public TableSchema schema() {
        return new TableSchema(id, columns.stream().map(c -> new Column(c.name(), c.type(), c.nullable(),
                Optional.empty(), Optional.of(c.typeName()))).toList(), primaryKey);
    }

    public List<String> columnNames() {
        return columns.stream().map(JdbcColumn::name).toList();
    }

    public Optional<JdbcColumn> column(String name) {
        return columns.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
    }

    /** The same columns in the same order with the same types: no schema change between the two. */
    public boolean sameShape(JdbcTable other) {
        return schema().equals(other.schema());
    }
}
