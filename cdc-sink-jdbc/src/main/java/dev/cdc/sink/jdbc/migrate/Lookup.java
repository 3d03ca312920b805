package dev.cdc.sink.jdbc.migrate;

import dev.cdc.sink.jdbc.table.TableRef;
import dev.cdc.sink.jdbc.table.TargetTable;

import java.sql.SQLException;
import java.util.Optional;

/** The target's current state, read when a migration step asks. */
public interface Lookup {

    Optional<TargetTable> table(TableRef table) throws SQLException;

    boolean schemaExists(String schema) throws SQLException;
}
