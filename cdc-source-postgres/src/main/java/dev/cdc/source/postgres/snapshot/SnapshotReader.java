package dev.cdc.source.postgres.snapshot;

import dev.cdc.api.spi.SnapshotProgress;
import dev.cdc.jdbc.snapshot.ExportedSnapshot;
import dev.cdc.jdbc.snapshot.ParallelSnapshot;
import dev.cdc.jdbc.snapshot.SnapshotState;
import dev.cdc.source.postgres.position.PgPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads tables inside one snapshot: the slot's exported one, or (resuming after a crash, when
 * that one is gone) a new one exported here. The shared {@link ParallelSnapshot} runs the
 * workers: each on its own connection in a REPEATABLE READ transaction that imports the snapshot
 * ({@code SET TRANSACTION SNAPSHOT}), each table in primary-key chunks
 * ({@code WHERE (pk) > (last) ORDER BY pk LIMIT n}, never OFFSET); a table without a primary key
 * in one pass (a server-side cursor), read again from its start after a crash. Each event's
 * position records every table's progress (see {@link PgPosition}), so a checkpoint at any event
 * is a place to resume from.
 */
public final class SnapshotReader {

    /** Opens a regular connection for a worker or for exporting a snapshot. */
    @FunctionalInterface
    public interface ConnectionFactory {
        Connection open(String purpose) throws SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReader.class);

    private final ConnectionFactory connections;
    private final long consistentPoint;
    private final int chunkSize;
    private final int batchSize;
    private final int parallelism;
    private final ParallelSnapshot.Output output;
    private final Consumer<SnapshotProgress> progress;
    private final BooleanSupplier stopping;
    private final Instant startedAt = Instant.now();

    public SnapshotReader(ConnectionFactory connections, long consistentPoint, int chunkSize, int batchSize,
                          int parallelism, ParallelSnapshot.Output output, Consumer<SnapshotProgress> progress,
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

    /**
     * Reads the tables (in index order); returns false when stopped before the end.
     *
     * @param snapshotName the slot's exported snapshot, or null to export a new one here
     * @param resumed      where the checkpoint left the snapshot, or null on a first start
     */
    public boolean read(List<SnapshotTable> tables, String snapshotName, SnapshotState resumed)
            throws SQLException, InterruptedException {
        ExportedSnapshot.Connections open = () -> PgKeyset.textRows(connections.open("snapshot"));
        try (ExportedSnapshot snapshot = snapshotName != null ? ExportedSnapshot.of(open, snapshotName)
                : ExportedSnapshot.export(open)) {
            if (snapshotName == null) {
                LOG.info("resuming the snapshot in a new snapshot {}", snapshot.name());
            }
            List<ParallelSnapshot.Table> reading = new ArrayList<>();
            for (SnapshotTable t : tables) {
                long estimate = Math.max(0, t.catalog().estimatedRows());
                reading.add(new ParallelSnapshot.Table(t.index(), t.captured().schema(), PgKeyset.of(t.captured(), t.catalog()),
                        estimate > 0 ? OptionalLong.of(estimate) : OptionalLong.empty(), t.afterKeys(), t.resumed()));
            }
            long firstSeq = resumed == null ? 0 : resumed.seq() + 1;
            return new ParallelSnapshot(new ParallelSnapshot.Settings("cdc-postgres-snapshot", parallelism, chunkSize,
                    batchSize, firstSeq, startedAt), snapshot, state -> PgPosition.snapshot(consistentPoint, state),
                    output, progress, stopping).read(reading, resumed);
        }
    }
}
