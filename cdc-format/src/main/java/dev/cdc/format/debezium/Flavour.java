package dev.cdc.format.debezium;

import dev.cdc.api.event.Position;

import java.util.Map;

/**
 * Which Debezium connector an event is written as, told by its position's offsets: PostgreSQL
 * positions carry {@code lsn}, MySQL/MariaDB ones {@code file} and {@code pos} (see each source's
 * page). Anything else (the generator) is written in the PostgreSQL connector's shape with
 * connector {@code cdc}.
 */
public enum Flavour {
    POSTGRESQL("postgresql"),
    MYSQL("mysql"),
    OTHER("cdc");

    private final String connector;

    Flavour(String connector) {
        this.connector = connector;
    }

    /** {@code source.connector}. */
    public String connector() {
        return connector;
    }

    public static Flavour of(Position p) {
        Map<String, String> o = p.offsets();
        if (o.containsKey("file") && o.containsKey("pos")) {
            return MYSQL;
        }
        if (o.containsKey("lsn")) {
            return POSTGRESQL;
        }
        return OTHER;
    }
}
