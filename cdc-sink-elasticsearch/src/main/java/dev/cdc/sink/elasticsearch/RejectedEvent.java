package dev.cdc.sink.elasticsearch;

import dev.cdc.api.error.CdcException;

/** An event the sink cannot write as it is: permanent, with a reason a person can act on. */
final class RejectedEvent extends CdcException {
    RejectedEvent(String message) {
        super(message);
    }
}
