package dev.cdc.format;

import java.util.Arrays;
import java.util.Locale;

/** The envelope an event is written in. YAML names: {@code cdc}, {@code debezium}. */
public enum EnvelopeFormat {
    /** This project's envelope: operation, table, key, before, after, source position, headers. */
    CDC,
    /** The payload Debezium writes with schemas disabled, for consumers built for Debezium. */
    DEBEZIUM;

    /** The name used in YAML: {@code cdc}, {@code debezium}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a YAML name, ignoring case. */
    public static EnvelopeFormat parse(String text) {
        for (EnvelopeFormat f : values()) {
            if (f.yamlName().equalsIgnoreCase(text.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown envelope format '" + text + "'; expected one of "
                + Arrays.stream(values()).map(EnvelopeFormat::yamlName).toList());
    }
}
