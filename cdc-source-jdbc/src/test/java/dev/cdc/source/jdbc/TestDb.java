package dev.cdc.source.jdbc;

import dev.cdc.api.event.TableId;
import dev.cdc.testkit.fixture.Services;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The three databases the JDBC sources are tested on: real PostgreSQL and MariaDB, and an embedded H2. */
public enum TestDb {
    POSTGRES("public", "\"") {
        @Override
        public String url() {
            return Services.postgresJdbcUrl();
        }

        @Override
        public String user() {
            return Services.postgresUser();
        }
    },
    MARIADB("test", "`") {
        @Override
        public String url() {
            return Services.mariadbJdbcUrl();
        }

        @Override
        public String user() {
            return Services.mariadbUser();
        }
    },
    H2("PUBLIC", "\"") {
        @Override
        public String url() {
            return "jdbc:h2:mem:cdc_jdbc_tests;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
        }

        @Override
        public String user() {
            return "sa";
        }
    };

    private final String namespace;
    private final String quote;

    TestDb(String namespace, String quote) {
        this.namespace = namespace;
        this.quote = quote;
    }

    public abstract String url();

    public abstract String user();

    public String password() {
        return this == POSTGRES ? Services.postgresPassword() : this == MARIADB ? Services.mariadbPassword() : "";
    }

    public String namespace() {
        return namespace;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), user(), password());
    }

    public String q(String identifier) {
        return quote + identifier + quote;
    }

    public String q(TableId t) {
        return q(t.namespace()) + "." + q(t.name());
    }

    /** The SQL type of a decimal(12,2), a bigint and text. */
    public String textType() {
        return this == MARIADB ? "VARCHAR(200)" : "VARCHAR(200)";
    }

    public void execute(String... statements) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    /** Drops the change log {@code name} and whatever its triggers share; tables drop their own triggers. */
    public void dropChangeLog(String name) throws SQLException {
        List<String> sql = this == POSTGRES
                ? List.of("DROP FUNCTION IF EXISTS " + q(namespace) + "." + q(name + "_capture") + "() CASCADE",
                "DROP TABLE IF EXISTS " + q(namespace) + "." + q(name))
                : List.of("DROP TABLE IF EXISTS " + q(namespace) + "." + q(name));
        execute(sql.toArray(String[]::new));
    }

    public long count(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
