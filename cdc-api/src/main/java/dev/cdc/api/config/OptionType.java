package dev.cdc.api.config;

/** The value types an option can have, with the form each accepts in YAML. */
public enum OptionType {
    /** Any scalar, as text. */
    STRING("a string"),
    INT("an integer"),
    LONG("an integer"),
    DOUBLE("a number"),
    /** {@code true} or {@code false}. */
    BOOLEAN("true or false"),
    /** {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, an ISO-8601 duration, or a number of milliseconds. */
    DURATION("a duration such as 250ms, 30s, 5m"),
    /** A byte size: {@code 512}, {@code 64kb}, {@code 5mb}, {@code 1gb}. */
    SIZE("a size such as 512kb or 5mb"),
    /** A YAML list of scalars, or one comma-separated string. */
    LIST("a list of strings"),
    /** A YAML mapping of scalars. */
    MAP("a mapping of strings"),
    /** One of a fixed set of names. */
    ENUM("one of the allowed values"),
    /** Any YAML value (mapping, list or scalar), passed to the plugin as plain Java maps and lists. */
    ANY("any value");

    private final String expectation;

    OptionType(String expectation) {
        this.expectation = expectation;
    }

    /** What a value of this type looks like, for error messages: "an integer". */
    public String expectation() {
        return expectation;
    }
}
