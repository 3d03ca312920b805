package dev.cdc.source.jdbc.dialect;

import dev.cdc.jdbc.snapshot.KeysetTable;
import dev.cdc.source.jdbc.catalog.JdbcColumn;

/** Standard SQL for any other JDBC database: double-quoted names, FETCH FIRST, expanded key comparisons, casts. */
final class GenericDialect implements Dialect {

    @Override
    public String name() {
        return "generic";
    }

    @Override
    public KeysetTable.Syntax syntax() {
        return KeysetTable.Syntax.STANDARD;
    }

    @Override
    public String keyParameter(JdbcColumn column) {
        return "CAST(? AS " + column.typeName() + ")";
    }
}
