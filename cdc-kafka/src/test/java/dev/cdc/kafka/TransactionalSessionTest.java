package dev.cdc.kafka;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * When the session aborts a transaction and when it must open its producer again (pure logic, on
 * kafka-clients' MockProducer): a failure once the commit was asked for leaves the outcome unknown
 * (the brokers may have committed), so the producer is never reused as if nothing was committed.
 */
class TransactionalSessionTest {

    private final List<MockProducer<byte[], byte[]>> producers = new ArrayList<>();
    private final TransactionalSession session = new TransactionalSession("p", "cdc.p.events", "127.0.0.1:9092",
            Properties::new, props -> {
                MockProducer<byte[], byte[]> p = new MockProducer<>(true, null, new ByteArraySerializer(),
                        new ByteArraySerializer());
                producers.add(p);
                return p;
            });

    private static List<ProducerRecord<byte[], byte[]>> records() {
        return List.of(new ProducerRecord<>("t", "k".getBytes(), "v".getBytes()));
    }

    @Test
    void aCommitThatFailsOpensTheProducerAgainSoThatWhatWasCommittedIsReadBack() {
        session.open();
        assertThat(session.generation()).isEqualTo(1);
        producers.get(0).commitTransactionException = new KafkaException("the EndTxn response was lost");

        Throwable thrown = catchThrowable(() -> session.commit(records(), "writing"));

        assertThat(thrown).hasMessageContaining("writing");
        assertThat(producers.get(0).transactionAborted()).as("never aborted as if nothing was committed").isFalse();
        assertThat(producers.get(0).closed()).isTrue();
        session.commit(records(), "writing again");
        assertThat(producers).hasSize(2);
        assertThat(session.generation()).as("a new generation: the sink reads back what is committed").isEqualTo(2);
        assertThat(producers.get(1).transactionCommitted()).isTrue();
    }

    @Test
    void aSendThatFailsBeforeTheCommitAbortsAndKeepsTheProducer() {
        session.open();
        producers.get(0).sendException = new KafkaException("record refused");

        Throwable thrown = catchThrowable(() -> session.commit(records(), "writing"));

        assertThat(thrown).hasMessageContaining("writing");
        assertThat(producers.get(0).transactionAborted()).isTrue();
        assertThat(producers.get(0).transactionCommitted()).isFalse();
        producers.get(0).sendException = null;
        session.commit(records(), "writing again");
        assertThat(producers).hasSize(1);
        assertThat(session.generation()).isEqualTo(1);
        assertThat(producers.get(0).transactionCommitted()).isTrue();
    }
}
