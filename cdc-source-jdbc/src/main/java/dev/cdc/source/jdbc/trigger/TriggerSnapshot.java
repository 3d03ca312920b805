package dev.cdc.source.jdbc.trigger;

import dev.cdc.api.event.Position;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.jdbc.snapshot.ExportedSnapshot;
import dev.cdc.jdbc.snapshot.ParallelSnapshot;
import dev.cdc.jdbc.snapshot.SnapshotState;
import dev.cdc.jdbc.snapshot.TableProgress;
import dev.cdc.source.jdbc.JdbcSourceConfig;
import dev.cdc.source.jdbc.catalog.JdbcTable;
import dev.cdc.source.jdbc.snapshot.JdbcKeyset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The snapshot of {@code jdbc-trigger} and its handover to the change log, with the shared
 * {@link ParallelSnapshot}. The tables are read in a consistent snapshot, and the change log is
 * read in the same snapshot to know which changes it already holds: on PostgreSQL an exported
 * snapshot (the stream then skips transactions visible in it); on MariaDB and H2 one
 * REPEATABLE READ (consistent-snapshot) transaction per worker, kept only when all see the same
 * change log (else one worker), whose visible change-log ids the stream then skips. Resumed after
 * a crash, the rest is read in a new snapshot and the stream still starts where the first one
 * did: changes in between are delivered again (at least once), never lost.
 */
final class TriggerSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(TriggerSnapshot.class);
    private static final int SAME_LOG_ATTEMPTS = 20;

    private final JdbcSourceConfig config;
    private final String log;
    private final Instant startedAt = Instant.now();

    TriggerSnapshot(JdbcSourceConfig config, String log) {
        this.config = config;
        this.log = log;
    }

    /** Reads the tables; the stream starts at {@code reader}. Returns false when stopped before the end. */
    boolean read(List<JdbcTable> tables, LogReader reader, SnapshotState resumed, SourceContext context,
                 ParallelSnapshot.Workers workers, int parallelism) throws SQLException, InterruptedException {
        List<ParallelSnapshot.Table> reading = new ArrayList<>();
        for (int i = 0; i < tables.size(); i++) {
            if (resumed != null && resumed.finished(i)) {
                continue;
            }
            TableProgress p = resumed == null ? null : resumed.inProgress().get(i);
            JdbcTable t = tables.get(i);
            reading.add(new ParallelSnapshot.Table(i, t.schema(), JdbcKeyset.of(t, config.dialect()),
                    OptionalLong.empty(), p == null ? null : p.keys(), p != null));
        }
        String prefix = reader.snapshotSortPrefix();
        ParallelSnapshot.Positions positions = state -> {
            Map<String, String> o = new HashMap<>();
            o.put(LogReader.OFFSET_SNAPSHOT, "true");
            o.put("seq", Long.toString(state.seq()));
            state.writeTo(o);
            reader.writeStart(o);
            return Position.of(o, prefix + Position.sortKeyOf(state.seq()));
        };
        return new ParallelSnapshot(new ParallelSnapshot.Settings("cdc-jdbc-snapshot", parallelism,
                config.chunkSize(), config.batchSize(), resumed == null ? 0 : resumed.seq() + 1, startedAt), workers,
                positions, context::emit, context::snapshotProgress, context::isStopping).read(reading, resumed);
    }

    /** PostgreSQL: an exported snapshot, and its txid snapshot for the handover. */
    static ExportedSnapshot exported(JdbcSourceConfig config) throws SQLException {
        return ExportedSnapshot.export(config::connect);
    }

    /**
     * MariaDB, H2: one consistent-snapshot transaction per worker, all seeing the same change log
     * (retried, else one worker); returns the connections, the ids of the change log visible in
     * them are put in {@code visible}.
     */
    List<Connection> consistent(int wanted, List<Long> visible) throws SQLException {
        List<Connection> connections = new ArrayList<>();
        boolean ok = false;
        try {
            for (int w = 0; w < Math.max(1, wanted); w++) {
                Connection c = config.connect();
                c.setAutoCommit(false);
                if (config.dialect().name().equals("h2")) {
                    try (Statement st = c.createStatement()) {
                        // H2's REPEATABLE READ fixes each table's snapshot at its first read; SNAPSHOT all at once
                        st.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SNAPSHOT");
                    }
                } else {
                    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                }
                connections.add(c);
            }
            for (int attempt = 1; ; attempt++) {
                List<String> seen = new ArrayList<>();
                for (Connection c : connections) {
                    try (Statement st = c.createStatement()) {
                        if (config.dialect().name().equals("mariadb")) {
                            st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                        }
                        try (ResultSet rs = st.executeQuery("SELECT COUNT(*), MAX(" + config.dialect().quote("id")
                                + ") FROM " + log)) {
                            rs.next();
                            seen.add(rs.getLong(1) + "/" + rs.getLong(2));
                        }
                    }
                }
                if (seen.stream().distinct().count() == 1) {
                    break;
                }
                for (Connection c : connections) {
                    c.rollback();
                }
                if (attempt >= SAME_LOG_ATTEMPTS) {
                    LOG.warn("snapshot: {} tries to start {} transactions between two changes all failed (busy"
                            + " writers): reading the tables with one worker", attempt, connections.size());
                    while (connections.size() > 1) {
                        connections.remove(connections.size() - 1).close();
                    }
                }
            }
            try (PreparedStatement st = connections.get(0).prepareStatement("SELECT " + config.dialect().quote("id")
                    + " FROM " + log + " ORDER BY 1")) {
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        visible.add(rs.getLong(1));
                    }
                }
            }
            ok = true;
            return connections;
        } finally {
            if (!ok) {
                for (Connection c : connections) {
                    c.close();
                }
            }
        }
    }

    /** Workers on connections prepared beforehand; committed and closed by the caller. */
    static ParallelSnapshot.Workers on(List<Connection> connections) {
        return worker -> connections.get(worker);
    }
}
