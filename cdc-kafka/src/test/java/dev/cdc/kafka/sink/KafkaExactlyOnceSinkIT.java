package dev.cdc.kafka.sink;

/** The sink conformance suite, delivery: exactly-once (each batch a transaction, read back read_committed). */
class KafkaExactlyOnceSinkIT extends KafkaSinkContract {

    @Override
    String delivery() {
        return "exactly-once";
    }
}
