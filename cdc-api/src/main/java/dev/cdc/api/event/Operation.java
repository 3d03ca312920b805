package dev.cdc.api.event;

import java.util.Locale;

/** What happened to a row. The one-letter codes are those of the JSON envelope. */
public enum Operation {
    /** A row was inserted. Only {@code after} is present. */
    CREATE("c"),
    /** A row was updated. {@code after} is present; {@code before} when the source has it. */
    UPDATE("u"),
    /** A row was deleted. {@code before} holds at least the key columns. */
    DELETE("d"),
    /** A row read by a snapshot, not by the log. Only {@code after} is present. */
    READ("r"),
    /** Every row of the table was removed. Neither {@code before} nor {@code after}. */
    TRUNCATE("t");

    private final String code;

    Operation(String code) {
        this.code = code;
    }

    /** The one-letter code used in the JSON envelope ({@code c}, {@code u}, {@code d}, {@code r}, {@code t}). */
    public String code() {
        return code;
    }

    /** Parses a code or a name, ignoring case: {@code "c"}, {@code "create"}, {@code "insert"}. */
    public static Operation parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (Operation op : values()) {
            if (op.code.equals(t) || op.name().toLowerCase(Locale.ROOT).equals(t)) {
                return op;
            }
        }
        if (t.equals("insert")) {
            return CREATE;
        }
        if (t.equals("snapshot")) {
            return READ;
        }
        throw new IllegalArgumentException("unknown operation '" + text
                + "'; expected one of create (c, insert), update (u), delete (d), read (r, snapshot), truncate (t)");
    }
}
