package dev.cdc.kafka;

import dev.cdc.api.error.CdcException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One transactional producer and the transactions run on it: each {@link #commit} sends its
 * records in a transaction of their own and returns once the brokers committed it. The
 * {@code kafka} sink in {@code delivery: exactly-once} commits each batch with the marker of what
 * it wrote; the {@code kafka} checkpoint store of the same pipeline commits the pipeline's
 * checkpoint on the same producer, so a fenced zombie can write neither.
 *
 * <p>{@link #open} calls {@code initTransactions()}: the brokers fence any earlier producer with
 * the same {@code transactional.id} (a killed process) and abort its open transaction. When a
 * commit fails in a way that leaves its outcome unknown (any failure once {@code commitTransaction()}
 * was called: a timeout, or an error although the brokers committed), the producer is closed and opened again, which settles the outcome on the brokers, and
 * {@link #generation()} changes: a user then reads back what is committed before it goes on.
 *
 * <h2>Threads</h2>
 * Thread-safe: the sink's lane thread and the checkpoint coordinator's thread share it;
 * transactions never interleave.
 */
public final class TransactionalSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalSession.class);
    private static final ConcurrentMap<String, TransactionalSession> BY_PIPELINE = new ConcurrentHashMap<>();

    private final String pipeline;
    private final String transactionalId;
    private final String servers;
    private final Supplier<Properties> properties;
    private final Function<Properties, Producer<byte[], byte[]>> producers;
    private Producer<byte[], byte[]> producer;
    private volatile long generation;
    private boolean closed;
    private ProducerFencedException fenced;

    /**
     * @param properties the producer's settings, {@code transactional.id} included
     */
    public TransactionalSession(String pipeline, String transactionalId, String servers, Supplier<Properties> properties) {
        this(pipeline, transactionalId, servers, properties, KafkaProducer::new);
    }

    /** With the producers made by {@code producers} (a test's). */
    TransactionalSession(String pipeline, String transactionalId, String servers, Supplier<Properties> properties,
                         Function<Properties, Producer<byte[], byte[]>> producers) {
        this.pipeline = pipeline;
        this.transactionalId = transactionalId;
        this.servers = servers;
        this.properties = properties;
        this.producers = producers;
    }

    /** The open exactly-once session of a pipeline in this process, if its kafka sink has one. */
    public static Optional<TransactionalSession> of(String pipeline) {
        return Optional.ofNullable(BY_PIPELINE.get(pipeline));
    }

    public String transactionalId() {
        return transactionalId;
    }

    /** Changes whenever the producer was opened again; what was committed must then be read back. */
    public long generation() {
        return generation;
    }

    /** Opens the producer, fencing earlier ones with the same transactional.id; registers the session. */
    public synchronized void open() {
        if (producer != null) {
            return;
        }
        closed = false;
        Producer<byte[], byte[]> p = producers.apply(properties.get());
        try {
            p.initTransactions();
        } catch (RuntimeException e) {
            p.close(Duration.ZERO);
            throw KafkaErrors.classify("initializing transactions of transactional.id '" + transactionalId + "'",
                    servers, e);
        }
        producer = p;
        generation++;
        if (BY_PIPELINE.putIfAbsent(pipeline, this) != null && BY_PIPELINE.get(pipeline) != this) {
            LOG.warn("pipeline '{}' has more than one exactly-once kafka sink; its kafka checkpoint store commits "
                    + "with the first one's producer", pipeline);
        }
    }

    /**
     * Sends the records in one transaction and commits it. A send that failed aborts the
     * transaction: nothing of it is committed. Once the commit was asked for, any failure leaves
     * its outcome unknown (the brokers may have committed it although the client reports an error
     * or a timeout), so the producer is opened again (see the class comment) and users read back
     * what is committed. Either way the failure is thrown, classified.
     */
    public synchronized void commit(List<ProducerRecord<byte[], byte[]>> records, String what) {
        if (closed) {
            throw new CdcException(what + " failed: the exactly-once session of transactional.id '"
                    + transactionalId + "' is closed");
        }
        if (fenced != null) {
            throw KafkaErrors.classify(what, servers, fenced);
        }
        open();
        boolean begun = false;
        boolean committing = false;
        try {
            producer.beginTransaction();
            begun = true;
            Future<?>[] sent = new Future<?>[records.size()];
            for (int i = 0; i < sent.length; i++) {
                sent[i] = producer.send(records.get(i));
                if (KafkaErrors.timedOutWaiting(sent[i])) {
                    sent[i].get(); // throws: the transaction is aborted, no further send waits as long
                }
            }
            producer.flush();
            for (Future<?> f : sent) {
                f.get(); // a refused record: the transaction is aborted below, nothing of it committed
            }
            committing = true;
            producer.commitTransaction();
        } catch (ProducerFencedException e) {
            // another process took over: never open again here, or this zombie would fence it in turn
            fenced = e;
            reset();
            throw KafkaErrors.classify(what, servers, e);
        } catch (Exception e) {
            if (begun && !committing && abortable(e)) {
                try {
                    producer.abortTransaction();
                } catch (RuntimeException abortFailed) {
                    LOG.warn("{}: aborting the transaction failed too; opening the producer again: {}", what,
                            abortFailed.toString());
                    reset();
                }
            } else {
                if (committing) {
                    LOG.warn("{}: committing the transaction failed, it may have been committed all the same ({}); "
                            + "opening the producer again, which settles it, and reading back what is committed",
                            what, e.toString());
                }
                reset();
            }
            throw KafkaErrors.classify(what, servers, e);
        }
    }

    /** Whether the transaction can be aborted and the producer used on: a send failed, nothing unknown. */
    private static boolean abortable(Exception e) {
        Throwable t = KafkaErrors.unwrap(e);
        return !(t instanceof org.apache.kafka.common.errors.TimeoutException) && !(t instanceof InterruptedException)
                && (t instanceof KafkaException || e instanceof java.util.concurrent.ExecutionException);
    }

    /** Closes the producer; the next commit opens a new one (initTransactions settles the old transaction). */
    private void reset() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException ignored) {
                // closing a broken producer may fail; it is dropped either way
            }
            producer = null;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        BY_PIPELINE.remove(pipeline, this);
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } finally {
                producer = null;
            }
        }
    }

    @Override
    public String toString() {
        return "TransactionalSession[" + transactionalId + " at " + servers + "]";
    }

    /** The producer settings an exactly-once session needs on top of the client's. */
    public static Map<String, String> fixedSettings(String transactionalId) {
        return Map.of("transactional.id", transactionalId, "enable.idempotence", "true", "acks", "all");
    }
}
