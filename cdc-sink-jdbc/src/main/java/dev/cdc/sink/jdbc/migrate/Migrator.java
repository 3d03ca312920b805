package dev.cdc.sink.jdbc.migrate;

import dev.cdc.sink.jdbc.dialect.Dialect;
import dev.cdc.sink.jdbc.table.TableRef;
import dev.cdc.sink.jdbc.table.TargetCatalog;
import dev.cdc.sink.jdbc.table.TargetTable;
import dev.cdc.sink.jdbc.write.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * Runs migration steps against the target: each step only when its check says the target does not
 * have it yet, reading the target again before each check. Where the database has transactional
 * DDL (PostgreSQL) the steps commit together; elsewhere each statement commits on its own, and the
 * checks make a migration cut short by a crash complete on the next attempt.
 */
public final class Migrator {

    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

    private final Dialect dialect;
    private final TargetCatalog catalog;
    private final Session session;
    private final String sink;

    public Migrator(Dialect dialect, TargetCatalog catalog, Session session, String sink) {
        this.dialect = dialect;
        this.catalog = catalog;
        this.session = session;
        this.sink = sink;
    }

    /** A failed statement, with the SQL that failed. */
    public static final class StepFailed extends SQLException {
        private final String sql;

        StepFailed(String sql, SQLException cause) {
            super(cause.getMessage(), cause.getSQLState(), cause.getErrorCode(), cause);
            this.sql = sql;
        }

        public String sql() {
            return sql;
        }
    }

    /** Runs the steps that are not done yet and commits; the statements run, in order. */
    public List<String> apply(List<DdlStep> steps) throws SQLException {
        Connection c = session.connection();
        Lookup target = lookup(c);
        List<String> ran = new java.util.ArrayList<>();
        for (DdlStep step : steps) {
            if (step.done().test(target)) {
                LOG.debug("sink '{}': already applied: {}", sink, step.sql());
                continue;
            }
            for (String sql : step.statements(target)) {
                try (Statement st = c.createStatement()) {
                    st.execute(sql);
                } catch (SQLException e) {
                    throw new StepFailed(sql, e);
                }
                ran.add(sql);
                if (!dialect.transactionalDdl()) {
                    c.commit();
                }
            }
        }
        c.commit();
        return ran;
    }

    /** The target as a {@link Lookup} over the connection (reads see this transaction's DDL). */
    public Lookup lookup(Connection c) {
        return new Lookup() {
            @Override
            public Optional<TargetTable> table(TableRef table) throws SQLException {
                return catalog.read(c, table);
            }

            @Override
            public boolean schemaExists(String schema) throws SQLException {
                try (ResultSet rs = dialect.metadataSchema(TableRef.of(schema, "x"), c) == null
                        ? c.getMetaData().getCatalogs() : c.getMetaData().getSchemas()) {
                    while (rs.next()) {
                        if (schema.equals(rs.getString(1))) {
                            return true;
                        }
                    }
                }
                return false;
            }
        };
    }
}
