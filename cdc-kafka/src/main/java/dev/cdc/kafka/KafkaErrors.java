package dev.cdc.kafka;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.RetriableException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns what the Kafka client throws into cdc's two kinds of failure, with a message that says
 * what to do: a {@link RetriableException} when trying again may help (a broker unreachable or
 * slow, a leader moving, a topic not there yet), a plain {@link CdcException} when it cannot (a
 * record too large, a refused password, a missing permission, a fenced producer). Used by every
 * Kafka plugin of this module, so they all classify the same way.
 */
public final class KafkaErrors {

    private KafkaErrors() {
    }

    /**
     * The failure of {@code what} (e.g. "sink 'events' writing to topic 'shop.orders'") classified.
     *
     * @param servers the bootstrap servers, named in messages about reaching them
     */
    public static CdcException classify(String what, String servers, Throwable thrown) {
        Throwable e = unwrap(thrown);
        String detail = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (e instanceof AuthenticationException) {
            return new CdcException(what + " failed: the brokers at " + servers + " refused the credentials ("
                    + detail + "); check security-protocol, sasl-mechanism, sasl-user and sasl-password", e);
        }
        if (e instanceof TransactionalIdAuthorizationException) {
            return new CdcException(what + " failed: the user may not use its transactional.id (" + detail
                    + "); grant WRITE and DESCRIBE on the TransactionalId, or use delivery: at-least-once", e);
        }
        if (e instanceof AuthorizationException) {
            return new CdcException(what + " failed: permission denied (" + detail
                    + "); grant the user WRITE/DESCRIBE (sink) or READ (source) on the topic", e);
        }
        if (e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException) {
            return new CdcException(what + " failed: the record is too large (" + detail + "); raise the "
                    + "producer's max.request.size (client-properties) and the topic's max.message.bytes, or "
                    + "leave large columns out", e);
        }
        if (e instanceof InvalidTopicException) {
            return new CdcException(what + " failed: the topic name is not valid (" + detail
                    + "); check topic-template", e);
        }
        if (e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException) {
            return new CdcException(what + " failed: another producer with the same transactional.id started (" + detail
                    + "); two pipelines with the same name and sink, or a second copy of this one, are running."
                    + " This one stops so that only one writes", e);
        }
        if (e instanceof TimeoutException && String.valueOf(e.getMessage()).contains("not present in metadata")) {
            // the client cannot tell these two apart: it got no metadata for the topic
            return new RetriableException(what + " failed: the topic is not in the brokers' metadata (" + detail
                    + "): either the brokers at " + servers + " cannot be reached, or the topic does not exist and "
                    + "the brokers do not create it (auto.create.topics.enable=false); check bootstrap-servers and "
                    + "the network, or create the topic, or fix the topic option", e);
        }
        if (e instanceof UnknownTopicOrPartitionException) {
            return new RetriableException(what + " failed: the topic does not exist (" + detail
                    + "); create the topic, or fix the topic option", e);
        }
        if (e instanceof TimeoutException) {
            return new RetriableException(what + " failed: no answer from the brokers at " + servers + " in time ("
                    + detail + "); are they reachable, and is min.insync.replicas met?", e);
        }
        if (e instanceof org.apache.kafka.common.errors.RetriableException) {
            return new RetriableException(what + " failed, may succeed if tried again: " + detail, e);
        }
        if (e instanceof CdcException cdc) {
            return cdc;
        }
        return new CdcException(what + " failed: " + detail, e);
    }

    /** The exception inside the wrappers futures and the client add. */
    public static Throwable unwrap(Throwable thrown) {
        Throwable e = thrown;
        while ((e instanceof ExecutionException || e instanceof CompletionException
                || (e.getClass() == KafkaException.class && e.getCause() != null)) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /**
     * Whether a send already failed because the producer waited {@code max.block.ms} for metadata
     * (brokers unreachable, topic missing): every further send would wait as long again, so a
     * batch stops sending there.
     */
    public static boolean timedOutWaiting(java.util.concurrent.Future<?> sent) {
        if (!sent.isDone()) {
            return false;
        }
        try {
            sent.get();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return unwrap(e) instanceof TimeoutException;
        }
    }

    /** Whether trying the same work again may help. */
    public static boolean isRetriable(CdcException e) {
        return e instanceof RetriableException;
    }
}
