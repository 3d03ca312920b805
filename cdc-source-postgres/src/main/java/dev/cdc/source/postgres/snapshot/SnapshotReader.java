package dev.cdc.source.postgres.snapshot;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.SnapshotProgress;
import dev.cdc.source.postgres.catalog.CapturedTable;
import dev.cdc.source.postgres.catalog.CatalogColumn;
import dev.cdc.source.postgres.position.PgPosition;
import dev.cdc.source.postgres.position.PgPosition.SnapshotState;
import dev.cdc.source.postgres.position.PgPosition.TableProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads tables inside one snapshot: the slot's exported one, or (resuming after a crash, when
 * that one is gone) a new one exported here. {@code parallelism} workers, each on its own
 * connection in a REPEATABLE READ transaction that imports the snapshot
 * ({@code SET TRANSACTION SNAPSHOT}), take the tables in order and read each in primary-key
 * chunks ({@code WHERE (pk) > (last) ORDER BY pk LIMIT n}, never OFFSET); a table without a
 * primary key in one pass (a server-side cursor), read again from its start after a crash.
 *
 * <h2>Threads</h2>
 * Workers hand row batches to the calling (source) thread through a bounded queue; only the
 * calling thread emits, numbering the events in emit order, so positions increase strictly
 * while the tables' events interleave. Each event's position records every table's progress
 * (see {@link PgPosition}), so a checkpoint at any event is a place to resume from.
 */
public final class SnapshotReader {

    /** Hands a batch of events on (blocking under back-pressure). */
    @FunctionalInterface
    public interface Output {
        void emit(List<StreamEvent> events) throws InterruptedException;
    }

    /** Opens a regular connection for a worker or for exporting a snapshot. */
    @FunctionalInterface
    public interface ConnectionFactory {
        Connection open(String purpose) throws SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReader.class);
    private static final Duration LOG_EVERY = Duration.ofSeconds(10);

    private final ConnectionFactory connections;
    private final long consistentPoint;
    private final int chunkSize;
    private final int batchSize;
    private final int parallelism;
    private final Output output;
    private final Consumer<SnapshotProgress> progress;
    private final BooleanSupplier stopping;
    private final Instant startedAt = Instant.now();
    private final AtomicReference<Throwable> failed = new AtomicReference<>();

    public SnapshotReader(ConnectionFactory connections, long consistentPoint, int chunkSize, int batchSize,
                          int parallelism, Output output, Consumer<SnapshotProgress> progress,
                          BooleanSupplier stopping) {
        this.connections = connections;
        this.consistentPoint = consistentPoint;
        this.chunkSize = chunkSize;
        this.batchSize = batchSize;
        this.parallelism = parallelism;
        this.output = output;
        this.progress = progress;
        this.stopping = stopping;
    }

    /** What a worker hands over. */
    private record Item(Kind kind, SnapshotTable table, List<ReadRow> rows) {
    }

    private enum Kind { START, ROWS, END, WORKER_DONE }

    /** A row read by a worker; its position is given when emitted. */
    private record ReadRow(Row key, Row row, String[] keys) {
    }

    /** Per table, on the calling thread. */
    private static final class Progress {
        final Instant start = Instant.now();
        Instant lastLog = start;
        long read;
    }

    /**
     * Reads the tables (in index order); returns false when stopped before the end.
     *
     * @param snapshotName the slot's exported snapshot, or null to export a new one here
     * @param resumed      where the checkpoint left the snapshot, or null on a first start
     */
    public boolean read(List<SnapshotTable> tables, String snapshotName, SnapshotState resumed)
            throws SQLException, InterruptedException {
        Connection exporter = null;
        String name = snapshotName;
        try {
            if (name == null) {
                exporter = connections.open("snapshot-export");
                exporter.setAutoCommit(false);
                try (Statement st = exporter.createStatement()) {
                    st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                    try (ResultSet rs = st.executeQuery("SELECT pg_export_snapshot()")) {
                        rs.next();
                        name = rs.getString(1);
                    }
                }
                LOG.info("resuming the snapshot in a new snapshot {}", name);
            }
            return readIn(tables, name, resumed);
        } finally {
            if (exporter != null) {
                try {
                    exporter.close();
                } catch (SQLException e) {
                    LOG.debug("closing the exporting connection: {}", e.getMessage());
                }
            }
        }
    }

    private boolean readIn(List<SnapshotTable> tables, String snapshotName, SnapshotState resumed)
            throws SQLException, InterruptedException {
        int workers = Math.max(1, Math.min(parallelism, tables.size()));
        ArrayDeque<SnapshotTable> pending = new ArrayDeque<>(tables);
        BlockingQueue<Item> queue = new ArrayBlockingQueue<>(2 * workers + 2);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Thread th = new Thread(() -> work(snapshotName, pending, queue), "cdc-postgres-snapshot-" + w);
            th.setDaemon(true);
            threads.add(th);
        }
        threads.forEach(Thread::start);
        LOG.info("snapshot: {} table(s), {} worker(s), chunks of {} rows", tables.size(), workers, chunkSize);

        long seq = resumed == null ? 0 : resumed.seq() + 1;
        int next = resumed == null ? 0 : resumed.next();
        SortedMap<Integer, TableProgress> inProgress = resumed == null ? new TreeMap<>()
                : new TreeMap<>(resumed.inProgress());
        Map<Integer, Progress> progressOf = new HashMap<>();
        int done = 0;
        try {
            while (done < workers) {
                if (stopping.getAsBoolean()) {
                    return false;
                }
                Item item = queue.poll(100, TimeUnit.MILLISECONDS);
                if (failed.get() != null) {
                    throw failure(failed.get());
                }
                if (item == null) {
                    continue;
                }
                switch (item.kind()) {
                    case WORKER_DONE -> done++;
                    case START -> {
                        SnapshotTable t = item.table();
                        CapturedTable captured = t.captured();
                        inProgress.put(t.index(), new TableProgress(captured.table().toString(),
                                t.afterKeys() == null ? new String[0] : t.afterKeys()));
                        next = Math.max(next, t.index() + 1);
                        progressOf.put(t.index(), new Progress());
                        LOG.info("snapshot of {}: starting (about {} rows{})", captured.table(), estimate(t),
                                t.afterKeys() == null ? "" : ", resuming after key " + List.of(t.afterKeys()));
                        if (!t.resumed()) {
                            // the table's shape, before its first row
                            output.emit(List.of(new SchemaChangeEvent(captured.table(), Optional.empty(),
                                    Optional.of(captured.schema()), List.of(), Optional.empty(),
                                    PgPosition.snapshot(consistentPoint, new SnapshotState(seq++, next, inProgress)),
                                    startedAt)));
                        }
                    }
                    case ROWS -> {
                        SnapshotTable t = item.table();
                        TableId id = t.captured().table();
                        String name = id.toString();
                        List<StreamEvent> batch = new ArrayList<>(item.rows().size());
                        for (ReadRow r : item.rows()) {
                            inProgress.put(t.index(), new TableProgress(name, r.keys()));
                            batch.add(new ChangeEvent(Operation.READ, id, r.key(), Optional.empty(),
                                    Optional.of(r.row()), startedAt, Optional.empty(),
                                    PgPosition.snapshot(consistentPoint, new SnapshotState(seq++, next, inProgress)),
                                    0, Map.of()));
                        }
                        output.emit(batch);
                        Progress p = progressOf.get(t.index());
                        p.read += item.rows().size();
                        report(t, p, false);
                    }
                    case END -> {
                        SnapshotTable t = item.table();
                        inProgress.remove(t.index());
                        report(t, progressOf.get(t.index()), true);
                    }
                    default -> throw new IllegalStateException(item.kind().toString());
                }
            }
            return true;
        } finally {
            threads.forEach(Thread::interrupt);
            for (Thread th : threads) {
                th.join(5_000);
            }
        }
    }

    private static SQLException failure(Throwable t) {
        if (t instanceof SQLException e) {
            return e;
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new SQLException("snapshot worker failed: " + t, t);
    }

    private void report(SnapshotTable t, Progress p, boolean finished) {
        TableId id = t.captured().table();
        long estimate = estimate(t);
        progress.accept(new SnapshotProgress(id, p.read, estimate > 0 ? OptionalLong.of(estimate)
                : OptionalLong.empty(), finished));
        Instant now = Instant.now();
        double seconds = Math.max(0.001, Duration.between(p.start, now).toMillis() / 1000.0);
        if (finished) {
            LOG.info("snapshot of {}: finished, {} rows in {} s ({} rows/s)", id, p.read, Math.round(seconds),
                    Math.round(p.read / seconds));
        } else if (Duration.between(p.lastLog, now).compareTo(LOG_EVERY) >= 0) {
            p.lastLog = now;
            double rate = p.read / seconds;
            String eta = estimate > p.read && rate > 0 ? Math.round((estimate - p.read) / rate) + " s" : "unknown";
            LOG.info("snapshot of {}: {} of about {} rows, {} rows/s, ETA {}", id, p.read, estimate,
                    Math.round(rate), eta);
        }
    }

    private static long estimate(SnapshotTable t) {
        return Math.max(0, t.catalog().estimatedRows());
    }

    // ---------------------------------------------------------------- workers

    private void work(String snapshotName, ArrayDeque<SnapshotTable> pending, BlockingQueue<Item> queue) {
        try {
            try (Connection c = connections.open("snapshot")) {
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    // the first statements of the transaction: pgjdbc sends BEGIN just before
                    st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                    st.execute("SET TRANSACTION SNAPSHOT '" + snapshotName.replace("'", "''") + "'");
                }
                while (true) {
                    SnapshotTable t;
                    // claiming a table and announcing it are one step: tables start in index order
                    synchronized (pending) {
                        t = pending.poll();
                        if (t == null) {
                            break;
                        }
                        queue.put(new Item(Kind.START, t, List.of()));
                    }
                    readTable(c, t, queue);
                    queue.put(new Item(Kind.END, t, List.of()));
                }
                c.commit();
            }
            queue.put(new Item(Kind.WORKER_DONE, null, List.of()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) {
            failed.compareAndSet(null, e);
        }
    }

    private void readTable(Connection connection, SnapshotTable t, BlockingQueue<Item> queue)
            throws SQLException, InterruptedException {
        CapturedTable captured = t.captured();
        TableId id = captured.table();
        List<String> pk = t.catalog().primaryKey();
        String columns = String.join(", ", captured.schema().columnNames().stream().map(SnapshotReader::quote).toList());
        int[] keyIndexes = pk.stream().mapToInt(captured.schema().columnNames()::indexOf).toArray();
        String[] after = pk.isEmpty() ? null : t.afterKeys();
        List<ReadRow> batch = new ArrayList<>(batchSize);
        boolean more = true;
        while (more) {
            String sql;
            if (pk.isEmpty()) {
                sql = "SELECT " + columns + " FROM " + quote(id);
            } else {
                String keyList = String.join(", ", pk.stream().map(SnapshotReader::quote).toList());
                sql = "SELECT " + columns + " FROM " + quote(id)
                        + (after == null ? "" : " WHERE (" + keyList + ") > (" + casts(t, pk) + ")")
                        + " ORDER BY " + keyList + " LIMIT " + chunkSize;
            }
            int n = 0;
            try (PreparedStatement st = connection.prepareStatement(sql)) {
                st.setFetchSize(pk.isEmpty() ? chunkSize : 0);
                if (after != null) {
                    for (int i = 0; i < after.length; i++) {
                        st.setString(i + 1, after[i]);
                    }
                }
                try (ResultSet rs = st.executeQuery()) {
                    int cols = captured.columnCount();
                    while (rs.next()) {
                        Row.Builder b = Row.builder();
                        for (int c = 0; c < cols; c++) {
                            b.put(captured.columnName(c), captured.decoder(c).decode(rs.getString(c + 1)));
                        }
                        Row r = b.build();
                        String[] keys = new String[keyIndexes.length];
                        for (int k = 0; k < keys.length; k++) {
                            keys[k] = rs.getString(keyIndexes[k] + 1);
                        }
                        batch.add(new ReadRow(captured.key(r), r, keys));
                        n++;
                        after = keys;
                        if (batch.size() >= batchSize) {
                            queue.put(new Item(Kind.ROWS, t, batch));
                            batch = new ArrayList<>(batchSize);
                        }
                    }
                }
            }
            more = !pk.isEmpty() && n == chunkSize;
            if (!batch.isEmpty()) {
                queue.put(new Item(Kind.ROWS, t, batch));
                batch = new ArrayList<>(batchSize);
            }
        }
    }

    private static String casts(SnapshotTable t, List<String> pk) {
        List<String> out = new ArrayList<>();
        for (String k : pk) {
            String type = t.catalog().columns().stream().filter(c -> c.name().equals(k)).findFirst()
                    .map(CatalogColumn::sourceType).orElse("text");
            out.add("CAST(? AS " + type + ")");
        }
        return String.join(", ", out);
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static String quote(TableId t) {
        return quote(t.namespace()) + "." + quote(t.name());
    }
}
