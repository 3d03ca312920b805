package dev.cdc.format.debezium;

import dev.cdc.api.event.Operation;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code debezium} format's settings: Debezium's connector and converter options of the same
 * names ({@code DebeziumOptions} declares them), as values. Immutable.
 */
public record DebeziumSettings(String decimalMode, Optional<String> timePrecisionMode, String binaryMode,
                               String bigintUnsignedMode, String intervalMode, String hstoreMode,
                               int moneyFractionDigits, boolean tombstonesOnDelete, List<String> skippedOperations,
                               boolean schemasEnable, String topicPrefix, boolean includeUnknownDatatypes,
                               String unavailablePlaceholder) {

    /** The Debezium version whose JSON the format reproduces (the golden tests run it). */
    public static final String DEBEZIUM_VERSION = "3.0.8.Final";

    public DebeziumSettings {
        Objects.requireNonNull(decimalMode, "decimalMode");
        Objects.requireNonNull(timePrecisionMode, "timePrecisionMode");
        skippedOperations = List.copyOf(skippedOperations);
        Objects.requireNonNull(topicPrefix, "topicPrefix");
    }

    /** Debezium's defaults, with this topic prefix. */
    public static DebeziumSettings defaults(String topicPrefix) {
        return new DebeziumSettings("precise", Optional.empty(), "bytes", "long", "numeric", "json", 2, true,
                List.of("t"), false, topicPrefix, false, "__debezium_unavailable_value");
    }

    /** A copy with another decimal.handling.mode. */
    public DebeziumSettings withDecimalMode(String mode) {
        return new DebeziumSettings(mode, timePrecisionMode, binaryMode, bigintUnsignedMode, intervalMode, hstoreMode,
                moneyFractionDigits, tombstonesOnDelete, skippedOperations, schemasEnable, topicPrefix,
                includeUnknownDatatypes, unavailablePlaceholder);
    }

    /** A copy with schemas.enable set. */
    public DebeziumSettings withSchemas(boolean enable) {
        return new DebeziumSettings(decimalMode, timePrecisionMode, binaryMode, bigintUnsignedMode, intervalMode,
                hstoreMode, moneyFractionDigits, tombstonesOnDelete, skippedOperations, enable, topicPrefix,
                includeUnknownDatatypes, unavailablePlaceholder);
    }

    /** The operations not written. */
    public Set<Operation> skipped() {
        Set<Operation> out = EnumSet.noneOf(Operation.class);
        for (String s : skippedOperations) {
            if (!s.equals("none")) {
                out.add(Operation.parse(s));
            }
        }
        return out;
    }

    /** The time precision mode in effect for a source flavour. */
    public String timePrecision(Flavour flavour) {
        return timePrecisionMode.orElse(flavour == Flavour.MYSQL ? "adaptive_time_microseconds" : "adaptive");
    }
}
