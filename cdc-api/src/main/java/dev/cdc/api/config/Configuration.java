package dev.cdc.api.config;

import dev.cdc.api.error.ConfigurationException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A plugin's validated options: every given value converted to its declared type, every
 * required option present, no unknown key. Immutable; {@link #toString()} masks secrets.
 */
public final class Configuration {

    private final Map<String, ConfigOption<?>> declared;
    private final Map<String, Object> values;

    private Configuration(Map<String, ConfigOption<?>> declared, Map<String, Object> values) {
        this.declared = declared;
        this.values = values;
    }

    /** An empty configuration that declares nothing (for plugins without options). */
    public static Configuration empty() {
        return new Configuration(Map.of(), Map.of());
    }

    /**
     * Binds raw values to the declared options, reporting every problem at once: unknown keys
     * (with the known ones), missing required options, values of the wrong type or failing a
     * check. Problem paths are option keys; callers add their own prefix and line numbers.
     *
     * @throws ConfigurationException listing every problem
     */
    public static Configuration of(Collection<? extends ConfigOption<?>> options, Map<String, ?> raw) {
        Map<String, ConfigOption<?>> declared = new LinkedHashMap<>();
        for (ConfigOption<?> o : options) {
            if (declared.put(o.key(), o) != null) {
                throw new IllegalArgumentException("option '" + o.key() + "' is declared twice");
            }
        }
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : raw.entrySet()) {
            ConfigOption<?> option = declared.get(e.getKey());
            if (option == null) {
                problems.add(ConfigProblem.of(e.getKey(), "unknown option" + knownKeys(declared.keySet(), e.getKey())));
                continue;
            }
            try {
                values.put(option.key(), option.convert(e.getValue()));
            } catch (IllegalArgumentException ex) {
                problems.add(ConfigProblem.of(e.getKey(), ex.getMessage()));
            }
        }
        for (ConfigOption<?> o : declared.values()) {
            if (o.isRequired() && !raw.containsKey(o.key())) {
                problems.add(ConfigProblem.of(o.key(), "is required but missing"
                        + (o.description().isEmpty() ? "" : " (" + o.description() + ")")));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new Configuration(Collections.unmodifiableMap(declared), Collections.unmodifiableMap(values));
    }

    private static String knownKeys(Collection<String> known, String given) {
        if (known.isEmpty()) {
            return "; this plugin takes no options";
        }
        String close = ClosestName.among(given, known).map(k -> "; did you mean '" + k + "'?").orElse("");
        return close + " (known: " + String.join(", ", new TreeSet<>(known)) + ")";
    }

    /** The value given, else the default. */
    public <T> T get(ConfigOption<T> option) {
        return getOptional(option).orElseThrow(() -> new IllegalStateException(
                "option '" + option.key() + "' has no value and no default; read it with getOptional"));
    }

    /** The value given, else the default, else empty. */
    public <T> Optional<T> getOptional(ConfigOption<T> option) {
        Object v = values.get(option.key());
        if (v != null) {
            return Optional.of(option.valueClass().cast(v));
        }
        ConfigOption<?> declaredOption = declared.get(option.key());
        if (declaredOption != null && declaredOption.defaultValue().isPresent()) {
            return Optional.of(option.valueClass().cast(declaredOption.defaultValue().get()));
        }
        return option.defaultValue();
    }

    /** Whether the value was given explicitly (not from the default). */
    public boolean isSet(ConfigOption<?> option) {
        return values.containsKey(option.key());
    }

    /** The options this configuration was bound against. */
    public Collection<ConfigOption<?>> declaredOptions() {
        return declared.values();
    }

    /** Every option's effective value as text, secrets masked, for logs and {@code cdc validate}. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        for (ConfigOption<?> o : declared.values()) {
            Object v = values.containsKey(o.key()) ? values.get(o.key()) : o.defaultValue().orElse(null);
            if (v != null) {
                out.put(o.key(), o.display(v));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return describe().toString();
    }
}
