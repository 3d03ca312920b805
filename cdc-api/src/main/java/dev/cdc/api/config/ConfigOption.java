package dev.cdc.api.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A declared plugin option: its key, type, default, whether it is required or secret, and a
 * description. Plugins keep their options as constants in one {@code <Plugin>Options} class:
 *
 * <pre>{@code
 * public static final ConfigOption<Integer> PORT = ConfigOption.key("port").intType()
 *         .defaultValue(5432).check(p -> p > 0 && p < 65536, "a port between 1 and 65535")
 *         .description("The server's port.");
 * }</pre>
 *
 * <p>Instances are immutable; every {@code with}-style method returns a copy.
 */
public final class ConfigOption<T> {

    private final String key;
    private final OptionType type;
    private final Class<T> valueClass;
    private final List<String> allowedValues;
    private final T defaultValue;
    private final boolean required;
    private final boolean secret;
    private final String description;
    private final Predicate<T> check;
    private final String requirement;

    private ConfigOption(String key, OptionType type, Class<T> valueClass, List<String> allowedValues, T defaultValue,
                         boolean required, boolean secret, String description, Predicate<T> check, String requirement) {
        this.key = key;
        this.type = type;
        this.valueClass = valueClass;
        this.allowedValues = allowedValues;
        this.defaultValue = defaultValue;
        this.required = required;
        this.secret = secret;
        this.description = description;
        this.check = check;
        this.requirement = requirement;
    }

    /** Starts declaring the option {@code key} (lower-case, words joined by '-'). */
    public static Builder key(String key) {
        Objects.requireNonNull(key, "key");
        if (!key.matches("[a-z][a-z0-9]*([-.][a-z0-9]+)*")) {
            throw new IllegalArgumentException("option key '" + key + "' must be lower-case words joined by '-'");
        }
        return new Builder(key);
    }

    public String key() {
        return key;
    }

    public OptionType type() {
        return type;
    }

    public Class<T> valueClass() {
        return valueClass;
    }

    /** For {@link OptionType#ENUM}: the accepted names. Empty otherwise. */
    public List<String> allowedValues() {
        return allowedValues;
    }

    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    public boolean isRequired() {
        return required;
    }

    /** A secret's value is never printed or logged. */
    public boolean isSecret() {
        return secret;
    }

    public String description() {
        return description;
    }

    /** What a valid value must satisfy beyond its type ("> 0"), or empty. */
    public Optional<String> requirement() {
        return Optional.ofNullable(requirement);
    }

    /** A copy that must be given (no default). */
    public ConfigOption<T> required() {
        return new ConfigOption<>(key, type, valueClass, allowedValues, null, true, secret, description, check,
                requirement);
    }

    /** A copy whose value is never printed or logged. */
    public ConfigOption<T> secret() {
        return new ConfigOption<>(key, type, valueClass, allowedValues, defaultValue, required, true, description,
                check, requirement);
    }

    public ConfigOption<T> description(String text) {
        return new ConfigOption<>(key, type, valueClass, allowedValues, defaultValue, required, secret,
                Objects.requireNonNull(text), check, requirement);
    }

    /** A copy with another default. */
    public ConfigOption<T> defaultValue(T value) {
        return new ConfigOption<>(key, type, valueClass, allowedValues, Objects.requireNonNull(value), false, secret,
                description, check, requirement);
    }

    /**
     * A copy that accepts only values passing {@code test}; {@code requirement} completes the
     * sentence "it must be ..." in error messages.
     */
    public ConfigOption<T> check(Predicate<T> test, String requirementText) {
        return new ConfigOption<>(key, type, valueClass, allowedValues, defaultValue, required, secret, description,
                Objects.requireNonNull(test), Objects.requireNonNull(requirementText));
    }

    /**
     * Converts a raw value (what YAML or a map holds) to this option's type and checks it.
     *
     * @throws IllegalArgumentException with a message "was 'x' but it must be ..." when it does not fit
     */
    public T convert(Object raw) {
        T value = valueClass.cast(OptionValues.convert(type, allowedValues, raw, this));
        if (check != null && !check.test(value)) {
            throw new IllegalArgumentException("was '" + display(raw) + "' but it must be " + requirement);
        }
        return value;
    }

    /** The value as it may be shown to a person: secrets masked. */
    public String display(Object value) {
        if (secret) {
            return "******";
        }
        return String.valueOf(value);
    }

    @Override
    public String toString() {
        return key + " (" + type.name().toLowerCase(Locale.ROOT) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigOption<?> other && other.key.equals(key) && other.type == type;
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + type.hashCode();
    }

    /** First step of a declaration: choose the type. */
    public static final class Builder {
        private final String key;

        private Builder(String key) {
            this.key = key;
        }

        public TypedBuilder<String> stringType() {
            return new TypedBuilder<>(key, OptionType.STRING, String.class, List.of());
        }

        public TypedBuilder<Integer> intType() {
            return new TypedBuilder<>(key, OptionType.INT, Integer.class, List.of());
        }

        public TypedBuilder<Long> longType() {
            return new TypedBuilder<>(key, OptionType.LONG, Long.class, List.of());
        }

        public TypedBuilder<Double> doubleType() {
            return new TypedBuilder<>(key, OptionType.DOUBLE, Double.class, List.of());
        }

        public TypedBuilder<Boolean> booleanType() {
            return new TypedBuilder<>(key, OptionType.BOOLEAN, Boolean.class, List.of());
        }

        public TypedBuilder<Duration> durationType() {
            return new TypedBuilder<>(key, OptionType.DURATION, Duration.class, List.of());
        }

        /** A size in bytes. */
        public TypedBuilder<Long> sizeType() {
            return new TypedBuilder<>(key, OptionType.SIZE, Long.class, List.of());
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        public TypedBuilder<List<String>> listType() {
            return new TypedBuilder<>(key, OptionType.LIST, (Class) List.class, List.of());
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        public TypedBuilder<Map<String, String>> mapType() {
            return new TypedBuilder<>(key, OptionType.MAP, (Class) Map.class, List.of());
        }

        /** One of the given names (compared ignoring case, '-' and '_' alike); the value is the canonical name. */
        public TypedBuilder<String> enumType(String... names) {
            return new TypedBuilder<>(key, OptionType.ENUM, String.class, List.of(names));
        }

        /** One of an enum's constants, written in YAML in lower case with '-' for '_'. */
        public <E extends Enum<E>> TypedBuilder<E> enumType(Class<E> enumClass) {
            List<String> names = Arrays.stream(enumClass.getEnumConstants())
                    .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
            return new TypedBuilder<>(key, OptionType.ENUM, enumClass, names);
        }

        public TypedBuilder<Object> anyType() {
            return new TypedBuilder<>(key, OptionType.ANY, Object.class, List.of());
        }
    }

    /** Second step: a default, or no default. */
    public static final class TypedBuilder<T> {
        private final String key;
        private final OptionType type;
        private final Class<T> valueClass;
        private final List<String> allowed;

        private TypedBuilder(String key, OptionType type, Class<T> valueClass, List<String> allowed) {
            this.key = key;
            this.type = type;
            this.valueClass = valueClass;
            this.allowed = allowed;
        }

        public ConfigOption<T> defaultValue(T value) {
            return new ConfigOption<>(key, type, valueClass, allowed, Objects.requireNonNull(value), false, false, "",
                    null, null);
        }

        /** Optional, with no default: read it with {@link Configuration#getOptional}. */
        public ConfigOption<T> noDefaultValue() {
            return new ConfigOption<>(key, type, valueClass, allowed, null, false, false, "", null, null);
        }

        /** Must be given. */
        public ConfigOption<T> required() {
            return new ConfigOption<>(key, type, valueClass, allowed, null, true, false, "", null, null);
        }
    }
}
