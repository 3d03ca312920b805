package dev.cdc.kafka.sink;

/** The sink conformance suite, delivery: at-least-once. */
class KafkaSinkIT extends KafkaSinkContract {

    @Override
    String delivery() {
        return "at-least-once";
    }
}
