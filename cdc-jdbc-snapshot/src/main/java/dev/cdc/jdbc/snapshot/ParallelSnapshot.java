package dev.cdc.jdbc.snapshot;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.SnapshotProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * Reads tables with {@code parallelism} workers, each on its own connection (inside whatever
 * consistent snapshot the source set up on it), each table in primary-key chunks through
 * {@link ChunkReader}; workers take the tables in index order.
 *
 * <h2>Threads and positions</h2>
 * Workers hand row batches to the calling (source) thread through a bounded queue; only the
 * calling thread emits, numbering the events in emit order, so positions increase strictly
 * while the tables' events interleave. Each event's position is the source's
 * ({@link Positions}) from a {@link SnapshotState} that records every table's progress, so a
 * checkpoint at any event is a place to resume from: pass only the tables not finished, those in
 * progress with the key of their last delivered row and {@code resumed} set. A table's schema
 * event comes before its first row, a resumed table's too: its columns may have changed between
 * the crash and the restart (the rest is read as the table is now), so its current schema is
 * announced again (when unchanged, the engine's schema registry sees no change).
 */
public final class ParallelSnapshot {

    /** Hands a batch of events on (blocking under back-pressure). */
    @FunctionalInterface
    public interface Output {
        void emit(List<StreamEvent> events) throws InterruptedException;
    }

    /** The position of the event the state describes ({@code state.seq()} is its number). */
    @FunctionalInterface
    public interface Positions {
        Position at(SnapshotState state);
    }

    /** The connections of the workers: opened (or handed out) per worker, released when it is done. */
    public interface Workers {
        Connection open(int worker) throws SQLException;

        /** The worker read everything it was given on this connection (not called after a failure). */
        default void finished(int worker, Connection connection) throws SQLException {
        }

        /** After the worker ended, finished or not. */
        default void release(int worker, Connection connection) {
        }
    }

    /**
     * A table to read.
     *
     * @param index     its place in the source's table order (what positions record)
     * @param schema    its schema, announced before its first row
     * @param reading   how to read it
     * @param estimate  the expected rows, when the database can estimate them
     * @param afterKeys the key (text) of its last delivered row when resumed; null or empty: from its start
     * @param resumed   true for a table in progress at the checkpoint (its schema is announced again, as it is now)
     * @param where     a condition rows must meet (e.g. not soft-deleted), when there is one
     */
    public record Table(int index, TableSchema schema, KeysetTable reading, OptionalLong estimate, String[] afterKeys,
                        boolean resumed, Optional<String> where) {
        public Table {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(reading, "reading");
            Objects.requireNonNull(estimate, "estimate");
            Objects.requireNonNull(where, "where");
            afterKeys = afterKeys == null ? new String[0] : afterKeys.clone();
        }

        /** Every row of the table. */
        public Table(int index, TableSchema schema, KeysetTable reading, OptionalLong estimate, String[] afterKeys,
                     boolean resumed) {
            this(index, schema, reading, estimate, afterKeys, resumed, Optional.empty());
        }

        public TableId id() {
            return reading.table();
        }
    }

    /**
     * Settings of one snapshot.
     *
     * @param threadName  prefix of the workers' thread names
     * @param parallelism most workers (at most one per table)
     * @param chunkSize   rows per chunk
     * @param batchSize   most rows handed over at once
     * @param firstSeq    the number of the first event ({@code seq} of its state)
     * @param startedAt   the commit time of every event (when the snapshot began)
     */
    public record Settings(String threadName, int parallelism, int chunkSize, int batchSize, long firstSeq,
                           Instant startedAt) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ParallelSnapshot.class);
    private static final Duration LOG_EVERY = Duration.ofSeconds(10);

    private final Settings settings;
    private final Workers workers;
    private final Positions positions;
    private final Output output;
    private final Consumer<SnapshotProgress> progress;
    private final BooleanSupplier stopping;
    private final AtomicReference<Throwable> failed = new AtomicReference<>();

    public ParallelSnapshot(Settings settings, Workers workers, Positions positions, Output output,
                            Consumer<SnapshotProgress> progress, BooleanSupplier stopping) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.positions = Objects.requireNonNull(positions, "positions");
        this.output = Objects.requireNonNull(output, "output");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.stopping = Objects.requireNonNull(stopping, "stopping");
    }

    private enum Kind { START, ROWS, END, WORKER_DONE }

    private record Item(Kind kind, Table table, List<ReadRow> rows) {
    }

    /** Per table, on the calling thread. */
    private static final class Progress {
        final Instant start = Instant.now();
        Instant lastLog = start;
        long read;
    }

    /**
     * Reads the tables (in index order) and emits their schemas and rows.
     *
     * @param resumed where the checkpoint left the snapshot (its {@code next} and the tables in
     *                progress), or null on a first start
     * @return false when stopped before the end
     */
    public boolean read(List<Table> tables, SnapshotState resumed) throws SQLException, InterruptedException {
        int n = Math.max(1, Math.min(settings.parallelism(), tables.size()));
        ArrayDeque<Table> pending = new ArrayDeque<>(tables);
        BlockingQueue<Item> queue = new ArrayBlockingQueue<>(2 * n + 2);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            int worker = w;
            Thread th = new Thread(() -> work(worker, pending, queue), settings.threadName() + "-" + w);
            th.setDaemon(true);
            threads.add(th);
        }
        threads.forEach(Thread::start);
        LOG.info("snapshot: {} table(s) to read, {} worker(s), chunks of {} rows", tables.size(), n,
                settings.chunkSize());
        long seq = settings.firstSeq();
        int next = resumed == null ? 0 : resumed.next();
        SortedMap<Integer, TableProgress> inProgress = resumed == null ? new TreeMap<>()
                : new TreeMap<>(resumed.inProgress());
        Map<Integer, Progress> progressOf = new HashMap<>();
        int done = 0;
        try {
            while (done < n) {
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
                Table t = item.table();
                switch (item.kind()) {
                    case WORKER_DONE -> done++;
                    case START -> {
                        inProgress.put(t.index(), new TableProgress(t.id().toString(), t.afterKeys()));
                        next = Math.max(next, t.index() + 1);
                        progressOf.put(t.index(), new Progress());
                        LOG.info("snapshot of {}: starting (about {} rows{})", t.id(),
                                t.estimate().isPresent() ? t.estimate().getAsLong() : "?",
                                !t.resumed() ? "" : t.afterKeys().length == 0 ? ", again from its start"
                                        : ", resuming after key " + List.of(t.afterKeys()));
                        // a resumed table too: it may have a new shape since the checkpoint (ALTER TABLE meanwhile)
                        output.emit(List.of(new SchemaChangeEvent(t.id(), Optional.empty(), Optional.of(t.schema()),
                                List.of(), Optional.empty(), positions.at(new SnapshotState(seq++, next, inProgress)),
                                settings.startedAt())));
                    }
                    case ROWS -> {
                        String name = t.id().toString();
                        List<StreamEvent> batch = new ArrayList<>(item.rows().size());
                        for (ReadRow r : item.rows()) {
                            inProgress.put(t.index(), new TableProgress(name, r.keys()));
                            batch.add(new ChangeEvent(Operation.READ, t.id(), r.key(), Optional.empty(),
                                    Optional.of(r.row()), settings.startedAt(), Optional.empty(),
                                    positions.at(new SnapshotState(seq++, next, inProgress)), 0, Map.of()));
                        }
                        output.emit(batch);
                        Progress p = progressOf.get(t.index());
                        p.read += item.rows().size();
                        report(t, p, false);
                    }
                    case END -> {
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

    private void report(Table t, Progress p, boolean finished) {
        progress.accept(new SnapshotProgress(t.id(), p.read, t.estimate(), finished));
        Instant now = Instant.now();
        double seconds = Math.max(0.001, Duration.between(p.start, now).toMillis() / 1000.0);
        if (finished) {
            LOG.info("snapshot of {}: finished, {} rows in {} s ({} rows/s)", t.id(), p.read, Math.round(seconds),
                    Math.round(p.read / seconds));
        } else if (Duration.between(p.lastLog, now).compareTo(LOG_EVERY) >= 0) {
            p.lastLog = now;
            double rate = p.read / seconds;
            long estimate = t.estimate().orElse(0);
            String eta = estimate > p.read && rate > 0 ? Math.round((estimate - p.read) / rate) + " s" : "unknown";
            LOG.info("snapshot of {}: {} of about {} rows, {} rows/s, ETA {}", t.id(), p.read, estimate,
                    Math.round(rate), eta);
        }
    }

    // ---------------------------------------------------------------- workers

    private void work(int worker, ArrayDeque<Table> pending, BlockingQueue<Item> queue) {
        Connection c = null;
        try {
            c = workers.open(worker);
            while (true) {
                Table t;
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
            workers.finished(worker, c);
            queue.put(new Item(Kind.WORKER_DONE, null, List.of()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) {
            failed.compareAndSet(null, e);
        } finally {
            if (c != null) {
                workers.release(worker, c);
            }
        }
    }

    private void readTable(Connection connection, Table t, BlockingQueue<Item> queue)
            throws SQLException, InterruptedException {
        KeyRange range = KeyRange.after(t.afterKeys());
        Batcher batcher = new Batcher(t, queue, settings.batchSize());
        boolean more = true;
        while (more) {
            int n = ChunkReader.read(connection, t.reading(), range, t.where(), settings.chunkSize(), batcher);
            batcher.flush();
            more = t.reading().hasKey() && n == settings.chunkSize();
            if (more) {
                range = range.withAfter(batcher.lastKeys);
            }
        }
    }

    /** Collects a worker's rows into batches for the queue; a keyless table's single pass is never held whole. */
    private static final class Batcher implements ChunkReader.RowSink {
        private final Table table;
        private final BlockingQueue<Item> queue;
        private final int size;
        private List<ReadRow> batch;
        String[] lastKeys;

        Batcher(Table table, BlockingQueue<Item> queue, int size) {
            this.table = table;
            this.queue = queue;
            this.size = size;
            this.batch = new ArrayList<>(size);
        }

        @Override
        public void accept(ReadRow row) throws InterruptedException {
            batch.add(row);
            lastKeys = row.keys();
            if (batch.size() >= size) {
                flush();
            }
        }

        void flush() throws InterruptedException {
            if (!batch.isEmpty()) {
                queue.put(new Item(Kind.ROWS, table, batch));
                batch = new ArrayList<>(size);
            }
        }
    }
}
