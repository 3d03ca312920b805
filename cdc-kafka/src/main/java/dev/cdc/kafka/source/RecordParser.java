package dev.cdc.kafka.source;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.format.EnvelopeFormat;
import dev.cdc.format.EnvelopeReader;
import dev.cdc.format.ReadEvent;
import dev.cdc.format.RowShape;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Parses the records of a poll into events on several threads at once (the source thread and
 * {@code threads - 1} decoder threads, each taking small runs of the poll's records in turn),
 * before the source thread walks them in order: parsing is most of a record's cost, and it needs
 * nothing but the bytes and the row shape of the record's (table, schema version). A decoder thread uses only
 * shapes the source thread resolved before ({@link SchemaHistory#knownShape}); a record whose
 * shape is not known yet, or that is a schema change, is left to the source thread, which parses
 * it in order with the schema history up to date ({@link RecordDecoder}). So the events are those
 * of a parse on the source thread alone, in the same order. {@link #parse} is called from the
 * source thread only.
 */
final class RecordParser implements AutoCloseable {

    /** Below this many records a poll is parsed on the source thread alone. */
    private static final int PARALLEL_FROM = 64;

    /** Result of a record left to the source thread. */
    static final Object IN_ORDER = new Object();

    private final EnvelopeFormat format;
    private final SchemaHistory history;
    private final int threads;
    private final ExecutorService pool;

    RecordParser(EnvelopeFormat format, SchemaHistory history, int threads, String name) {
        this.format = format;
        this.history = history;
        this.threads = threads;
        AtomicInteger n = new AtomicInteger();
        this.pool = threads <= 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, name + "-decode-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Per partition of the poll, per record in order: its events ({@code List<ReadEvent>}), the
     * {@link RuntimeException} its parse threw, or {@link #IN_ORDER}. Empty when the poll is small
     * or the source parses on its own thread only: then every record is parsed in order.
     */
    Map<TopicPartition, Object[]> parse(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
        int total = records.count();
        if (pool == null || total < PARALLEL_FROM) {
            return Map.of();
        }
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>(total);
        List<TopicPartition> order = new ArrayList<>(records.partitions());
        for (TopicPartition tp : order) {
            all.addAll(records.records(tp));
        }
        Object[] flat = new Object[all.size()];
        // small runs taken in turn: the source thread, which also polls and walks the events, takes fewer
        int chunk = Math.max(16, all.size() / (threads * 8));
        AtomicInteger next = new AtomicInteger();
        AtomicInteger parsed = new AtomicInteger();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Runnable work = () -> {
            try {
                int from;
                while ((from = next.getAndAdd(chunk)) < all.size()) {
                    int to = Math.min(all.size(), from + chunk);
                    parseRange(all, flat, from, to);
                    parsed.addAndGet(to - from);
                }
            } catch (Throwable t) {
                failed.compareAndSet(null, t);
            }
        };
        for (int i = 1; i < threads; i++) {
            pool.execute(work); // a decoder thread that starts late finds nothing left to take, and ends
        }
        work.run();
        while (parsed.get() < all.size()) { // the runs other threads took: short, so wait by parking briefly
            if (failed.get() != null) {
                throw new IllegalStateException("a decoder thread failed", failed.get());
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            LockSupport.parkNanos(20_000);
        }
        Map<TopicPartition, Object[]> out = new HashMap<>();
        int at = 0;
        for (TopicPartition tp : order) {
            Object[] results = new Object[records.records(tp).size()];
            System.arraycopy(flat, at, results, 0, results.length);
            at += results.length;
            out.put(tp, results);
        }
        return out;
    }

    private void parseRange(List<ConsumerRecord<byte[], byte[]>> records, Object[] into, int from, int to) {
        for (int i = from; i < to; i++) {
            ConsumerRecord<byte[], byte[]> r = records.get(i);
            try {
                into[i] = EnvelopeReader.readRecord(r.key(), r.value(), format, KNOWN_ONLY);
            } catch (UnknownShape e) {
                into[i] = IN_ORDER;
            } catch (RuntimeException e) {
                into[i] = e;
            }
            if (into[i] instanceof List<?> events && !events.isEmpty()
                    && !(((ReadEvent) events.get(0)).event() instanceof ChangeEvent)) {
                into[i] = IN_ORDER; // a schema change: parsed again in order, where it updates the history
            }
        }
    }

    /** The shapes the source thread resolved; any other lookup leaves the record to it. */
    private final EnvelopeReader.Schemas KNOWN_ONLY = new EnvelopeReader.Schemas() {
        @Override
        public Optional<TableSchema> at(TableId table, String sortKey, long schemaVersion) {
            throw UnknownShape.INSTANCE;
        }

        @Override
        public RowShape shape(TableId table, String sortKey, long schemaVersion) {
            RowShape shape = history.knownShape(table, schemaVersion);
            if (shape == null) {
                throw UnknownShape.INSTANCE;
            }
            return shape;
        }
    };

    /** Thrown through the reader when a record's shape is not known to the decoder threads. */
    private static final class UnknownShape extends RuntimeException {
        static final UnknownShape INSTANCE = new UnknownShape();

        private UnknownShape() {
            super("the row shape is resolved on the source thread", null, false, false);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
