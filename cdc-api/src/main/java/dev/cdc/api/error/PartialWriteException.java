package dev.cdc.api.error;

import dev.cdc.api.event.ChangeEvent;

import java.util.List;
import java.util.Objects;

/**
 * A sink wrote part of a batch: the events listed failed, every other event of the batch is
 * written. The engine retries the retriable failures and applies the sink's failure policy
 * (fail, dead-letter, skip) to the rest, without writing the successful events again.
 */
public class PartialWriteException extends CdcException {

    /** One event that was not written, with why, and whether trying again may help. */
    public record EventFailure(ChangeEvent event, String reason, boolean retriable) {
        public EventFailure {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(reason, "reason");
        }
    }

    private final transient List<EventFailure> failures;

    public PartialWriteException(List<EventFailure> failures) {
        super(failures.size() + " event(s) of the batch failed; first: " + (failures.isEmpty() ? "none"
                : failures.get(0).event().table() + " " + failures.get(0).event().key() + ": "
                + failures.get(0).reason()));
        if (failures.isEmpty()) {
            throw new IllegalArgumentException("a PartialWriteException needs at least one failure");
        }
        this.failures = List.copyOf(failures);
    }

    public List<EventFailure> failures() {
        return failures;
    }

    /** True when every failure may succeed if tried again. */
    public boolean allRetriable() {
        return failures.stream().allMatch(EventFailure::retriable);
    }
}
