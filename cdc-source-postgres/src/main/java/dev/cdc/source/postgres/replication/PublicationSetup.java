package dev.cdc.source.postgres.replication;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.TableId;
import dev.cdc.source.postgres.catalog.TableCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * At open: which tables the source captures, and the publication that names them (checked, or
 * created). Runs on the source's catalog connection.
 */
public final class PublicationSetup {

    private static final Logger LOG = LoggerFactory.getLogger(PublicationSetup.class);

    private final Connection connection;
    private final TableCatalog catalog;
    private final Connections connections;
    private final String publication;

    public PublicationSetup(Connection connection, TableCatalog catalog, Connections connections, String publication) {
        this.connection = connection;
        this.catalog = catalog;
        this.connections = connections;
        this.publication = publication;
    }

    /**
     * The captured tables, sorted: those matching {@code patterns}, or with none the publication's
     * (all tables when it does not exist yet). Checks SELECT on each.
     */
    public List<TableId> selectTables(List<String> patterns) throws SQLException {
        List<TableId> tables;
        if (patterns.isEmpty()) {
            tables = publicationTables().stream().sorted().toList();
            if (tables.isEmpty() && !publicationExists()) {
                LOG.warn("no 'tables' given and publication {} does not exist: it will be created FOR ALL TABLES",
                        publication);
                tables = catalog.matching(List.of(".*\\..*"));
            }
        } else {
            tables = catalog.matching(patterns);
            if (tables.isEmpty()) {
                throw new CdcException("no table matches 'tables' " + patterns + " in " + connections.url()
                        + "; tables are matched as schema.name regular expressions (a name without a schema means "
                        + "public), e.g. public.orders or public\\.order_.*");
            }
        }
        List<TableId> noSelect = new ArrayList<>();
        for (TableId t : tables) {
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT has_table_privilege(format('%I.%I', ?::text, ?::text), 'SELECT')")) {
                st.setString(1, t.namespace());
                st.setString(2, t.name());
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        noSelect.add(t);
                    }
                }
            }
        }
        SetupCheck.require(SetupCheck.selectPrivilege(connections.user(), noSelect));
        LOG.info("capturing {} table(s): {}", tables.size(), tables);
        return tables;
    }

    private boolean publicationExists() throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?")) {
            st.setString(1, publication);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The tables the publication holds now (every table for a publication FOR ALL TABLES). */
    public Set<TableId> publicationTables() throws SQLException {
        Set<TableId> out = new HashSet<>();
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT schemaname, tablename FROM pg_catalog.pg_publication_tables WHERE pubname = ?")) {
            st.setString(1, publication);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(TableId.of(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return out;
    }

    /**
     * Checks that the publication holds every selected table, or creates it (FOR ALL TABLES when
     * no 'tables' were given).
     */
    public void ensurePublication(List<TableId> selectedOrder, boolean allTables) throws SQLException {
        if (publicationExists()) {
            Set<TableId> in = publicationTables();
            List<TableId> missing = selectedOrder.stream().filter(t -> !in.contains(t)).toList();
            SetupCheck.require(SetupCheck.publicationTables(publication, missing));
            return;
        }
        String sql = allTables
                ? "CREATE PUBLICATION " + publication + " FOR ALL TABLES"
                : "CREATE PUBLICATION " + publication + " FOR TABLE " + String.join(", ",
                selectedOrder.stream().map(t -> quote(t.namespace()) + "." + quote(t.name())).toList());
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
        LOG.info("created publication: {}", sql);
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
