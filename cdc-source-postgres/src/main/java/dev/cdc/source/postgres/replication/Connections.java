package dev.cdc.source.postgres.replication;

import org.postgresql.PGProperty;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opens the source's connections: regular ones (catalog, snapshot) and replication ones. */
public final class Connections {

    private final String url;
    private final String user;
    private final String password;

    public Connections(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public Connection regular(String purpose) throws SQLException {
        Properties p = base(purpose);
        return DriverManager.getConnection(url, p);
    }

    /** A walsender connection (replication=database, simple query protocol). */
    public Connection replication() throws SQLException {
        Properties p = base("replication");
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        return DriverManager.getConnection(url, p);
    }

    private Properties base(String purpose) {
        Properties p = new Properties();
        PGProperty.USER.set(p, user);
        if (!password.isEmpty()) {
            PGProperty.PASSWORD.set(p, password);
        }
        PGProperty.APPLICATION_NAME.set(p, "cdc-" + purpose);
        PGProperty.TCP_KEEP_ALIVE.set(p, true);
        PGProperty.CONNECT_TIMEOUT.set(p, 10);
        return p;
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }
}
