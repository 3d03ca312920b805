package dev.cdc.sink.jdbc.table;

import java.util.Objects;
import java.util.Optional;

/**
 * A target table's name: its schema (PostgreSQL, H2) or database (MariaDB, MySQL), when not the
 * connection's current one, and its name, both unquoted, exactly as they are in the database.
 */
public record TableRef(Optional<String> schema, String name) {

    public TableRef {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
    }

    public static TableRef of(String schema, String name) {
        return new TableRef(Optional.ofNullable(schema), name);
    }

    public TableRef withName(String newName) {
        return new TableRef(schema, newName);
    }

    @Override
    public String toString() {
        return schema.map(s -> s + ".").orElse("") + name;
    }
}
