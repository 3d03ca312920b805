package dev.cdc.kafka.sink;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.PartialWriteException;
import dev.cdc.api.error.PartialWriteException.EventFailure;
import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.spi.Sink;
import dev.cdc.kafka.CompactedTopic;
import dev.cdc.kafka.KafkaErrors;
import dev.cdc.kafka.TransactionalSession;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * The {@code kafka} sink. {@link #write} returns only when the brokers acknowledged every record of
 * the batch ({@code acks=all}); a record that failed fails the batch, classified by
 * {@link KafkaErrors}: retriable failures (brokers unreachable, a leader moving) make the whole
 * batch retriable, so per-key order holds when it is written again; records the brokers refuse (too
 * large, an invalid topic) are named in a {@link PartialWriteException} so that only they take the
 * sink's failure policy.
 *
 * <p>With {@code delivery: exactly-once} each batch is one Kafka transaction holding its records and
 * the sink's {@link CommittedPositions} (in the state topic), so both commit or neither does. At
 * {@link #open} the transactional producer fences any earlier one with the same
 * {@code transactional.id} (a crashed process; its open transaction is aborted) and the sink reads
 * back what was committed; events replayed by the source up to there are dropped (only those: within
 * one session the engine never hands over an acknowledged event again, and a failed transaction
 * committed nothing, or, when that is unknown, the session starts over and reads back). The pipeline's
 * checkpoint never runs ahead of the sink (the engine saves it only after {@code write} returned),
 * and whatever the checkpoint lags behind is dropped as a replay: every event is in Kafka once.
 *
 * <h2>Threads</h2>
 * Called from one lane thread, as every sink.
 */
final class KafkaSink implements Sink {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);

    private final KafkaSinkSettings settings;
    private final KafkaRecords records;
    private Producer<byte[], byte[]> producer;
    private TransactionalSession session;
    private CompactedTopic state;
    /** What Kafka said was committed when the session (re)started: replays up to it are dropped. */
    private CommittedPositions replayed = CommittedPositions.empty();
    /** What is committed now: written with every transaction. */
    private CommittedPositions committed = CommittedPositions.empty();
    private long committedGeneration = -1;

    KafkaSink(KafkaSinkSettings settings, KafkaRecords records) {
        this.settings = settings;
        this.records = records;
    }

    @Override
    public void open() throws Exception {
        if (settings.exactlyOnce()) {
            state = new CompactedTopic(settings.client(), settings.stateTopic(), settings.stateReplicationFactor(),
                    settings.deliveryTimeout());
            try {
                state.ensureExists(settings.clientId() + ".admin");
            } catch (Exception e) {
                throw KafkaErrors.classify("sink '" + settings.sinkName() + "' creating its state topic '"
                        + settings.stateTopic() + "'", settings.servers(), e);
            }
            session = new TransactionalSession(settings.pipeline(), settings.transactionalId(), settings.servers(),
                    settings::producerProperties);
            session.open();
            readCommitted();
        } else {
            producer = new KafkaProducer<>(settings.producerProperties());
        }
    }

    @Override
    public void write(List<ChangeEvent> events) throws Exception {
        deliver(events);
    }

    @Override
    public void applySchemaChange(SchemaChangeEvent change) throws Exception {
        deliver(List.of(change));
    }

    /** Kafka topics take any value: every schema change is passed on, on the schema topic. */
    @Override
    public Set<SchemaChangeKind> supportedSchemaChanges() {
        return EnumSet.allOf(SchemaChangeKind.class);
    }

    @Override
    public List<String> previewSchemaChange(SchemaChangeEvent change) {
        return List.of();
    }

    private void deliver(List<? extends StreamEvent> events) throws Exception {
        if (events.isEmpty()) {
            return;
        }
        if (producer == null && session == null) {
            throw new IllegalStateException("sink '" + settings.sinkName() + "' is not open");
        }
        if (session != null) {
            deliverInTransaction(events);
        } else {
            deliverAtLeastOnce(events);
        }
    }

    private void deliverAtLeastOnce(List<? extends StreamEvent> events) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(events.size() * 2);
        int[] ends = new int[events.size()];
        for (int i = 0; i < events.size(); i++) {
            records.add(events.get(i), out);
            ends[i] = out.size();
        }
        List<Future<?>> sent = new ArrayList<>(out.size());
        for (ProducerRecord<byte[], byte[]> r : out) {
            Future<?> f;
            try {
                f = producer.send(r);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            sent.add(f);
            if (KafkaErrors.timedOutWaiting(f)) {
                while (sent.size() < out.size()) { // not sent: each would wait as long; the batch is retried
                    sent.add(f);
                }
                break;
            }
        }
        producer.flush();
        List<EventFailure> failures = new ArrayList<>();
        CdcException retriable = null;
        CdcException first = null;
        int from = 0;
        for (int i = 0; i < events.size(); i++) {
            for (int r = from; r < ends[i]; r++) {
                try {
                    sent.get(r).get();
                } catch (Exception e) {
                    CdcException failure = KafkaErrors.classify(what(List.of(out.get(r))), settings.servers(), e);
                    first = first == null ? failure : first;
                    if (failure instanceof RetriableException && retriable == null) {
                        retriable = failure;
                    }
                    if (events.get(i) instanceof ChangeEvent c) {
                        failures.add(new EventFailure(c, failure.getMessage(), failure instanceof RetriableException));
                    }
                    break;
                }
            }
            from = ends[i];
        }
        if (retriable != null) {
            throw retriable; // the whole batch again, in order: per-key order holds
        }
        if (first != null) {
            // refused records: only their events take the failure policy (a schema change fails as a whole)
            throw failures.isEmpty() || events.stream().anyMatch(e -> !(e instanceof ChangeEvent)) ? first
                    : new PartialWriteException(failures);
        }
    }

    private void deliverInTransaction(List<? extends StreamEvent> events) throws Exception {
        session.open(); // again after a failure whose outcome was unknown
        if (session.generation() != committedGeneration) {
            readCommitted();
        }
        CommittedPositions next = committed;
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(events.size() * 2 + 1);
        int dropped = 0;
        for (StreamEvent e : events) {
            if (replayed.covers(e)) {
                dropped++;
                continue;
            }
            records.add(e, out);
            next = next.with(e);
        }
        if (dropped > 0) {
            LOG.info("sink '{}': {} event(s) of the batch were committed to Kafka before (replayed after a restart "
                    + "or retry); not written again", settings.sinkName(), dropped);
        }
        if (out.isEmpty()) {
            return;
        }
        String what = what(out);
        out.add(new ProducerRecord<>(settings.stateTopic(), settings.stateKey().getBytes(StandardCharsets.UTF_8),
                next.encode(settings.pipeline(), settings.sinkName())));
        session.commit(out, what);
        committed = next;
    }

    private void readCommitted() {
        long generation = session.generation();
        try {
            committed = state.latest(settings.clientId() + ".state", settings.stateKey())
                    .map(CommittedPositions::decode).orElse(CommittedPositions.empty());
            replayed = committed;
        } catch (IllegalArgumentException e) {
            throw new CdcException("sink '" + settings.sinkName() + "': the record of key '" + settings.stateKey()
                    + "' in state topic '" + settings.stateTopic() + "' is not what the kafka sink writes ("
                    + e.getMessage() + "); is another program writing to that topic?", e);
        } catch (Exception e) {
            throw KafkaErrors.classify("sink '" + settings.sinkName() + "' reading what it committed from topic '"
                    + settings.stateTopic() + "'", settings.servers(), e);
        }
        committedGeneration = generation;
        LOG.info("sink '{}': transactional.id '{}' ready; committed so far: {}", settings.sinkName(),
                settings.transactionalId(), committed);
    }

    private String what(List<ProducerRecord<byte[], byte[]>> out) {
        Set<String> topics = new TreeSet<>();
        out.forEach(r -> topics.add(r.topic()));
        return "sink '" + settings.sinkName() + "' writing " + out.size() + " record(s) to topic(s) " + topics;
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
            session = null;
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    @Override
    public String toString() {
        return "KafkaSink[" + settings.sinkName() + ", " + settings.client() + (settings.exactlyOnce()
                ? ", exactly-once, transactional.id " + settings.transactionalId() : ", at-least-once") + "]";
    }
}
