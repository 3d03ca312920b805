package dev.cdc.sink.jdbc.dialect;

import dev.cdc.sink.jdbc.JdbcSinkOptions.DialectName;

/** The dialect of a target: as configured, or from the JDBC URL. */
public final class Dialects {

    private Dialects() {
    }

    public static Dialect of(DialectName name, String url) {
        DialectName chosen = name == DialectName.AUTO ? fromUrl(url) : name;
        return switch (chosen) {
            case POSTGRESQL -> new PostgresDialect();
            case MARIADB -> new MariaDbDialect();
            case MYSQL -> new MySqlDialect();
            case H2 -> new H2Dialect();
            case GENERIC, AUTO -> new GenericDialect();
        };
    }

    /** {@code jdbc:postgresql:} PostgreSQL, {@code jdbc:mariadb:} MariaDB, {@code jdbc:mysql:} MySQL, {@code jdbc:h2:} H2, else generic. */
    static DialectName fromUrl(String url) {
        String u = url.toLowerCase(java.util.Locale.ROOT);
        if (u.startsWith("jdbc:postgresql:")) {
            return DialectName.POSTGRESQL;
        }
        if (u.startsWith("jdbc:mariadb:")) {
            return DialectName.MARIADB;
        }
        if (u.startsWith("jdbc:mysql:")) {
            return DialectName.MYSQL;
        }
        if (u.startsWith("jdbc:h2:")) {
            return DialectName.H2;
        }
        return DialectName.GENERIC;
    }
}
