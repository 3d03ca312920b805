package dev.cdc.source.jdbc;

import dev.cdc.api.event.TableId;
import dev.cdc.testkit.source.SourceDriver;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;

/**
 * The contract's driver on any of the test databases. With {@code polled}, tables also have
 * {@code updated_at}/{@code created_at} timestamps and a {@code deleted} flag, and a delete is a
 * soft delete: what an application captured by {@code jdbc-query} does.
 */
final class JdbcDriver implements SourceDriver {

    private final TestDb db;
    private final boolean polled;
    private final Connection c;

    JdbcDriver(TestDb db, boolean polled) throws Exception {
        this(db, polled, db.connect());
    }

    /** On a connection of the caller's (which commits). */
    JdbcDriver(TestDb db, boolean polled, Connection connection) {
        this.db = db;
        this.polled = polled;
        this.c = connection;
    }

    @Override
    public String namespace() {
        return db.namespace();
    }

    @Override
    public void createTable(TableId t) throws Exception {
        db.execute("DROP TABLE IF EXISTS " + db.q(t), "CREATE TABLE " + db.q(t) + " (" + db.q("id") + " BIGINT PRIMARY KEY, "
                + db.q("name") + " VARCHAR(200), " + db.q("amount") + " DECIMAL(12,2)"
                + (polled ? ", " + db.q("updated_at") + " " + timestamp() + " NOT NULL, " + db.q("created_at") + " "
                + timestamp() + " NOT NULL, " + db.q("deleted") + " BOOLEAN DEFAULT FALSE NOT NULL" : "") + ")");
    }

    private String timestamp() {
        return db == TestDb.MARIADB ? "DATETIME(6)" : "TIMESTAMP(6)";
    }

    private String now() {
        return db == TestDb.POSTGRES ? "clock_timestamp()" : db == TestDb.MARIADB ? "NOW(6)" : "LOCALTIMESTAMP(6)";
    }

    @Override
    public void insert(TableId t, long id, String name, BigDecimal amount) throws Exception {
        String sql = polled ? "INSERT INTO " + db.q(t) + " (" + db.q("id") + ", " + db.q("name") + ", " + db.q("amount")
                + ", " + db.q("updated_at") + ", " + db.q("created_at") + ") VALUES (?, ?, ?, " + now() + ", " + now() + ")"
                : "INSERT INTO " + db.q(t) + " VALUES (?, ?, ?)";
        if (polled && db == TestDb.POSTGRES) {
            sql = "WITH n AS (SELECT clock_timestamp() AS t) INSERT INTO " + db.q(t)
                    + " (id, name, amount, updated_at, created_at) SELECT ?, ?, ?, n.t, n.t FROM n";
        } else if (polled && db == TestDb.MARIADB) {
            sql = "INSERT INTO " + db.q(t) + " (id, name, amount, updated_at, created_at) VALUES (?, ?, ?,"
                    + " @cdc_now := NOW(6), @cdc_now)";
        }
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setLong(1, id);
            st.setString(2, name);
            st.setBigDecimal(3, amount);
            st.executeUpdate();
        }
    }

    @Override
    public void update(TableId t, long id, String name, BigDecimal amount) throws Exception {
        try (PreparedStatement st = c.prepareStatement("UPDATE " + db.q(t) + " SET " + db.q("name") + " = ?, "
                + db.q("amount") + " = ?" + (polled ? ", " + db.q("updated_at") + " = " + now() : "") + " WHERE "
                + db.q("id") + " = ?")) {
            st.setString(1, name);
            st.setBigDecimal(2, amount);
            st.setLong(3, id);
            st.executeUpdate();
        }
    }

    @Override
    public void delete(TableId t, long id) throws Exception {
        String sql = polled ? "UPDATE " + db.q(t) + " SET " + db.q("deleted") + " = TRUE, " + db.q("updated_at") + " = "
                + now() + " WHERE " + db.q("id") + " = ?" : "DELETE FROM " + db.q(t) + " WHERE " + db.q("id") + " = ?";
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setLong(1, id);
            st.executeUpdate();
        }
    }

    @Override
    public void dropTable(TableId t) throws Exception {
        db.execute("DROP TABLE IF EXISTS " + db.q(t));
    }

    @Override
    public void close() throws Exception {
        c.close();
    }
}
