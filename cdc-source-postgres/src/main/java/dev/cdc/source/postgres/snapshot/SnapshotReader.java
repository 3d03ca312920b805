package dev.cdc.source.postgres.snapshot;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.SnapshotProgress;
import dev.cdc.source.postgres.catalog.CapturedTable;
import dev.cdc.source.postgres.catalog.CatalogColumn;
import dev.cdc.source.postgres.position.PgPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads tables in one REPEATABLE READ transaction, inside the slot's exported snapshot when one
 * is given, in primary-key chunks ({@code WHERE (pk) > (last) ORDER BY pk LIMIT n}, never
 * OFFSET). A table without a primary key is read in one pass (a server-side cursor) and, after
 * a crash in the middle of it, read again from its start. Emits a schema event, then a READ
 * event per row, each with a position that sorts before every streamed event.
 */
public final class SnapshotReader {

    /** Hands a batch of events on (blocking under back-pressure). */
    @FunctionalInterface
    public interface Output {
        void emit(List<StreamEvent> events) throws InterruptedException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReader.class);
    private static final Duration LOG_EVERY = Duration.ofSeconds(10);

    private final Connection connection;
    private final long consistentPoint;
    private final int chunkSize;
    private final int batchSize;
    private final Output output;
    private final Consumer<SnapshotProgress> progress;
    private final BooleanSupplier stopping;
    private final Instant startedAt = Instant.now();

    public SnapshotReader(Connection connection, long consistentPoint, int chunkSize, int batchSize, Output output,
                          Consumer<SnapshotProgress> progress, BooleanSupplier stopping) {
        this.connection = connection;
        this.consistentPoint = consistentPoint;
        this.chunkSize = chunkSize;
        this.batchSize = batchSize;
        this.output = output;
        this.progress = progress;
        this.stopping = stopping;
    }

    /**
     * Opens the snapshot transaction: {@code snapshotName} is the slot's exported snapshot, or
     * null for a new snapshot (resuming after a crash, when the exported one is gone).
     */
    public void begin(String snapshotName) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement st = connection.createStatement()) {
            // the first statements of the transaction: pgjdbc sends BEGIN just before
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            if (snapshotName != null) {
                st.execute("SET TRANSACTION SNAPSHOT '" + snapshotName.replace("'", "''") + "'");
            }
        }
    }

    /** Reads the tables; returns false when stopped before the end. */
    public boolean read(List<SnapshotTable> tables) throws SQLException, InterruptedException {
        for (SnapshotTable t : tables) {
            if (!readTable(t)) {
                return false;
            }
        }
        connection.commit();
        return true;
    }

    private boolean readTable(SnapshotTable t) throws SQLException, InterruptedException {
        CapturedTable captured = t.captured();
        TableId id = captured.table();
        List<String> pk = t.catalog().primaryKey();
        long estimate = Math.max(0, t.catalog().estimatedRows());
        long row = t.firstRow();
        long read = 0;
        Instant tableStart = Instant.now();
        Instant lastLog = tableStart;
        List<StreamEvent> batch = new ArrayList<>(batchSize);
        if (!t.resumed()) {
            // the table's shape, before its first row (a resumed table's was delivered before the crash)
            batch.add(new SchemaChangeEvent(id, Optional.empty(), Optional.of(captured.schema()), List.of(),
                    Optional.empty(), position(t, row, new String[0], true), startedAt));
        }
        LOG.info("snapshot of {}: starting (about {} rows{})", id, estimate,
                t.afterKeys() == null ? "" : ", resuming after key " + List.of(t.afterKeys()));
        String columns = String.join(", ", captured.schema().columnNames().stream().map(SnapshotReader::quote).toList());
        int[] keyIndexes = pk.stream().mapToInt(captured.schema().columnNames()::indexOf).toArray();
        String[] after = t.afterKeys();
        boolean more = true;
        while (more) {
            if (stopping.getAsBoolean()) {
                flush(batch);
                return false;
            }
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
                if (after != null && !pk.isEmpty()) {
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
                        batch.add(new ChangeEvent(Operation.READ, id, captured.key(r), Optional.empty(),
                                Optional.of(r), startedAt, Optional.empty(), position(t, row, keys, false), 0,
                                Map.of()));
                        row++;
                        n++;
                        read++;
                        after = keys;
                        if (batch.size() >= batchSize) {
                            flush(batch);
                        }
                        if (pk.isEmpty() && n % chunkSize == 0 && stopping.getAsBoolean()) {
                            flush(batch);
                            return false;
                        }
                    }
                }
            }
            more = !pk.isEmpty() && n == chunkSize;
            flush(batch);
            progress.accept(new SnapshotProgress(id, read, estimate > 0 ? OptionalLong.of(estimate)
                    : OptionalLong.empty(), !more));
            Instant now = Instant.now();
            if (Duration.between(lastLog, now).compareTo(LOG_EVERY) >= 0) {
                lastLog = now;
                double seconds = Math.max(0.001, Duration.between(tableStart, now).toMillis() / 1000.0);
                double rate = read / seconds;
                String eta = estimate > read && rate > 0 ? Math.round((estimate - read) / rate) + " s" : "unknown";
                LOG.info("snapshot of {}: {} of about {} rows, {} rows/s, ETA {}", id, read, estimate,
                        Math.round(rate), eta);
            }
        }
        double seconds = Math.max(0.001, Duration.between(tableStart, Instant.now()).toMillis() / 1000.0);
        LOG.info("snapshot of {}: finished, {} rows in {} s ({} rows/s)", id, read, Math.round(seconds),
                Math.round(read / seconds));
        return true;
    }

    private Position position(SnapshotTable t, long row, String[] keys, boolean schemaEvent) {
        // the schema event takes the slot just before the table's first row
        return PgPosition.snapshot(consistentPoint, t.captured().table().toString(), t.index(),
                schemaEvent ? row : row + 1, keys);
    }

    private void flush(List<StreamEvent> batch) throws InterruptedException {
        if (!batch.isEmpty()) {
            output.emit(List.copyOf(batch));
            batch.clear();
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
