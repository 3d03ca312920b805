package dev.cdc.source.jdbc.trigger;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.SourceSetup;
import dev.cdc.source.jdbc.JdbcSourceConfig;
import dev.cdc.source.jdbc.JdbcSourceOptions.Setup;
import dev.cdc.source.jdbc.catalog.Catalog;
import dev.cdc.source.jdbc.catalog.JdbcTable;
import dev.cdc.source.jdbc.dialect.ChangeLogSql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database objects of {@code jdbc-trigger}: its change-log table and a row trigger per
 * captured table. Prints, creates, checks and drops them; {@code cdc setup} uses it through
 * {@link SourceSetup}, the source itself at {@code open} (creating what is missing with
 * {@code setup: auto}, or checking with {@code setup: manual}).
 */
final class ChangeLogSetup {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeLogSetup.class);

    private final JdbcSourceConfig config;
    private final ChangeLogSql sql;

    ChangeLogSetup(JdbcSourceConfig config) {
        this.config = config;
        this.sql = config.dialect().changeLog().orElseThrow();
    }

    /** The captured tables, each with a primary key; fails naming the fix otherwise. */
    List<JdbcTable> tables(Connection c) throws SQLException {
        Catalog catalog = new Catalog(c, config.dialect());
        List<TableId> ids = catalog.matching(config.tables());
        if (ids.isEmpty()) {
            throw new CdcException("no table matches 'tables' " + config.tables() + " in " + config + "; tables are"
                    + " matched as namespace.table regular expressions, e.g. public.orders or shop\\.order_.*");
        }
        List<JdbcTable> out = new ArrayList<>();
        for (TableId id : ids) {
            if (!id.name().equalsIgnoreCase(config.changeLogTable(ids.get(0)).name())) {
                out.add(catalog.require(id, "jdbc-trigger"));
            }
        }
        return out;
    }

    TableId log(List<JdbcTable> tables) {
        return config.changeLogTable(tables.get(0).id());
    }

    List<String> createStatements(Connection c) throws SQLException {
        List<JdbcTable> tables = tables(c);
        TableId log = log(tables);
        List<String> out = new ArrayList<>(sql.createLog(log));
        for (JdbcTable t : tables) {
            out.addAll(sql.createTriggers(log, t));
        }
        return out;
    }

    List<String> dropStatements(Connection c) throws SQLException {
        TableId log = config.changeLogTable(new Catalog(c, config.dialect()).matching(config.tables()).stream()
                .findFirst().orElseThrow(() -> new CdcException("no table matches 'tables' " + config.tables())));
        Set<TableId> tables = new LinkedHashSet<>(sql.tablesWithTriggers(c, log));
        List<String> out = new ArrayList<>();
        for (TableId t : tables) {
            out.addAll(sql.dropTriggers(log, t));
        }
        out.addAll(sql.dropLog(log));
        return out;
    }

    /**
     * Makes sure the change log and every table's trigger are there: creates what is missing with
     * {@code setup: auto}, fails naming what is missing with {@code setup: manual}.
     */
    void ensure(Connection c, List<JdbcTable> tables) throws SQLException {
        TableId log = log(tables);
        List<TableId> have = sql.logExists(c, log) ? sql.tablesWithTriggers(c, log) : List.of();
        List<String> todo = new ArrayList<>();
        if (!sql.logExists(c, log)) {
            todo.addAll(sql.createLog(log));
        }
        for (JdbcTable t : tables) {
            if (!have.contains(t.id())) {
                todo.addAll(sql.createTriggers(log, t));
            }
        }
        List<JdbcTable> stale = sql.logExists(c, log) ? sql.staleTriggers(c, log, tables) : List.of();
        if (!stale.isEmpty() && config.setup() == Setup.AUTO) {
            stale.forEach(t -> todo.addAll(sql.createTriggers(log, t)));
        } else if (!stale.isEmpty()) {
            LOG.warn("the triggers of {} write other columns than the tables have now (an ALTER TABLE); setup is"
                    + " manual: have a DBA run `cdc setup <pipeline.yaml>` again", stale.stream().map(JdbcTable::id).toList());
        }
        if (todo.isEmpty()) {
            return;
        }
        if (config.setup() == Setup.MANUAL) {
            throw new CdcException("setup: manual, but the change log " + log + " or the triggers of "
                    + tables.stream().map(JdbcTable::id).filter(t -> !have.contains(t)).toList() + " are missing;"
                    + " have a DBA run the statements of `cdc setup <pipeline.yaml> --print`, or set setup: auto");
        }
        run(c, todo);
        LOG.info("created the change log {} and the triggers of {}", log, tables.stream().map(JdbcTable::id)
                .filter(t -> !have.contains(t) || stale.contains(t)).toList());
    }

    /** Replaces one table's trigger (its columns changed). */
    void replaceTriggers(Connection c, TableId log, JdbcTable table) throws SQLException {
        run(c, sql.createTriggers(log, table));
        LOG.info("replaced the triggers of {} for its columns {}", table.id(), table.columnNames());
    }

    private static final Pattern ALTER = Pattern.compile("(?is)\\s*ALTER\\s+(?:ONLINE\\s+)?(?:IGNORE\\s+)?TABLE\\s+"
            + "(?:IF\\s+EXISTS\\s+)?((?:[`\"][^`\"]+[`\"]|[\\w$]+)(?:\\s*\\.\\s*(?:[`\"][^`\"]+[`\"]|[\\w$]+))?)\\s.*");

    /**
     * Runs {@code ALTER TABLE} on a captured table; where the triggers list the columns (MariaDB)
     * under {@code LOCK TABLES ... WRITE} together with the triggers for the new columns, so writes
     * to the table wait for both instead of failing on a dropped column or slipping past the
     * triggers; elsewhere (the triggers follow the columns) on its own.
     */
    void alter(Connection c, String ddl) throws SQLException {
        List<JdbcTable> tables = tables(c);
        JdbcTable target = alteredTable(ddl, tables);
        if (!sql.triggersListColumns()) {
            run(c, List.of(ddl));
            return;
        }
        TableId log = log(tables);
        try (Statement st = c.createStatement()) {
            st.execute("LOCK TABLES " + config.dialect().qualified(target.id()) + " WRITE");
            String at = ddl;
            try {
                st.execute(ddl);
                JdbcTable now = new Catalog(c, config.dialect()).require(target.id(), "jdbc-trigger");
                for (String s : sql.createTriggers(log, now)) {
                    if (!s.startsWith("LOCK TABLES ") && !s.equals("UNLOCK TABLES")) {
                        at = s;
                        st.execute(s);
                    }
                }
                LOG.info("ran `{}` and replaced the triggers of {} for its columns {}", ddl, now.id(), now.columnNames());
            } catch (SQLException e) {
                throw new CdcException("`" + at + "` failed: " + e.getMessage() + (at.equals(ddl) ? "; nothing changed"
                        : "; the table changed but its triggers did not: run `cdc setup <pipeline.yaml>` now"), e);
            } finally {
                st.execute("UNLOCK TABLES");
            }
        }
    }

    /** The captured table an {@code ALTER TABLE} statement names; fails naming the captured ones otherwise. */
    private JdbcTable alteredTable(String ddl, List<JdbcTable> tables) {
        Matcher m = ALTER.matcher(ddl);
        if (!m.matches()) {
            throw new CdcException("not an ALTER TABLE statement: `" + ddl + "`; give one ALTER TABLE of a captured table");
        }
        String[] parts = m.group(1).split("\\s*\\.\\s*");
        String name = unquote(parts[parts.length - 1]);
        String namespace = parts.length > 1 ? unquote(parts[0]) : null;
        return tables.stream().filter(t -> t.id().name().equalsIgnoreCase(name)
                        && (namespace == null || t.id().namespace().equalsIgnoreCase(namespace))).findFirst()
                .orElseThrow(() -> new CdcException("`" + ddl + "` alters no captured table (captured: "
                        + tables.stream().map(JdbcTable::id).toList() + ")"));
    }

    private static String unquote(String identifier) {
        return identifier.replaceAll("^[`\"]|[`\"]$", "");
    }

    /** Runs the statements in one transaction where the database's DDL is transactional (PostgreSQL). */
    void run(Connection c, List<String> statements) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        boolean done = false;
        try (Statement st = c.createStatement()) {
            for (String s : statements) {
                try {
                    st.execute(s);
                } catch (SQLException e) {
                    if (statements.contains("UNLOCK TABLES")) {
                        unlock(st);
                    }
                    if (sql.isPrivilegeError(e)) {
                        throw new CdcException("user '" + config.user() + "' may not run `" + s + "` (" + e.getMessage()
                                + "): grant it the right to create triggers and tables (PostgreSQL: own the tables or"
                                + " GRANT TRIGGER ON <table>, and GRANT CREATE ON SCHEMA; MariaDB: GRANT TRIGGER, CREATE,"
                                + " LOCK TABLES ON <database>.*), or have a DBA run `cdc setup <pipeline.yaml> --print`"
                                + " and set setup: manual", e);
                    }
                    throw new CdcException("setting up the change log failed at `" + s + "`: " + e.getMessage(), e);
                }
            }
            c.commit();
            done = true;
        } finally {
            if (!done) {
                try {
                    c.rollback();
                } catch (SQLException e) {
                    LOG.debug("rolling back the failed setup: {}", e.getMessage());
                }
            }
            c.setAutoCommit(auto);
        }
    }

    private static void unlock(Statement st) {
        try {
            st.execute("UNLOCK TABLES");
        } catch (SQLException e) {
            LOG.debug("UNLOCK TABLES after a failed statement: {}", e.getMessage());
        }
    }

    /** {@link SourceSetup} for {@code cdc setup}: connects per call. */
    SourceSetup asSourceSetup() {
        return new SourceSetup() {
            @Override
            public List<String> setupStatements() throws Exception {
                try (Connection c = config.connect()) {
                    return createStatements(c);
                }
            }

            @Override
            public List<String> dropStatements() throws Exception {
                try (Connection c = config.connect()) {
                    return ChangeLogSetup.this.dropStatements(c);
                }
            }

            @Override
            public void setUp() throws Exception {
                try (Connection c = config.connect()) {
                    run(c, createStatements(c));
                }
            }

            @Override
            public void drop() throws Exception {
                try (Connection c = config.connect()) {
                    run(c, ChangeLogSetup.this.dropStatements(c));
                }
            }

            @Override
            public void alter(String ddl) throws Exception {
                try (Connection c = config.connect()) {
                    ChangeLogSetup.this.alter(c, ddl);
                }
            }
        };
    }
}
