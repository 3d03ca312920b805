package dev.cdc.core.config;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.config.OptionType;
import dev.cdc.api.error.ConfigurationException;

import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The raw option values of one section, each with the YAML path and line it was written at, so
 * that {@link Configuration#of}'s problems (whose paths are bare option keys) can be reported
 * where they are in the file. Not thread-safe: one per section.
 */
final class LocatedOptions {

    /** {@code raw} is typed the YAML way; {@code text} keeps scalars as written. */
    private record Located(String path, int line, Object raw, Object text, boolean unresolved) {
        Object valueFor(ConfigOption<?> option) {
            return option != null && TEXT_TYPES.contains(option.type()) ? text : raw;
        }
    }

    /** Option types that get scalars as written: a string option given {@code 0755} gets "0755", not "493". */
    private static final Set<OptionType> TEXT_TYPES = EnumSet.of(OptionType.STRING, OptionType.ENUM, OptionType.LIST,
            OptionType.MAP);

    private final String sectionPath;
    private final int fallbackLine;
    private final Map<String, Located> values = new LinkedHashMap<>();

    /**
     * @param sectionPath  the section's YAML path, prefixed to keys that are missing
     * @param fallbackLine the line a missing key is reported at (a plugin's {@code type:} line)
     */
    LocatedOptions(String sectionPath, int fallbackLine) {
        this.sectionPath = sectionPath;
        this.fallbackLine = fallbackLine;
    }

    /** Adds a key written in YAML; its path is the value's. */
    void add(String key, int line, YamlValue value) {
        values.put(key, new Located(value.path(), line, value.plain(), value.plainText(), value.unresolved()));
    }

    /** Adds a key with a value given by code (or a YAML value passed through whole), reported at {@code line}. */
    void addValue(String key, int line, Object raw) {
        values.put(key, new Located(join(sectionPath, key), line, raw, raw, false));
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    /** The YAML path of a key of this section (written or not); the section's own path for an empty key. */
    String pathOf(String key) {
        Located l = values.get(key);
        return l != null ? l.path() : key.isEmpty() ? sectionPath : join(sectionPath, key);
    }

    int line(String key) {
        Located l = values.get(key);
        return l == null ? fallbackLine : l.line();
    }

    /**
     * Binds the values to {@code options}. Problems go to {@code problems} with their paths and
     * lines; a key whose {@code ${...}} reference failed was reported already and is left out.
     * Values of secret options are masked in every message of {@code problems}.
     *
     * @return the configuration, or empty when a problem was found
     */
    Optional<Configuration> bind(Collection<? extends ConfigOption<?>> options, Problems problems) {
        Map<String, ConfigOption<?>> declared = new LinkedHashMap<>();
        options.forEach(o -> declared.put(o.key(), o));
        Map<String, Object> raw = new LinkedHashMap<>();
        boolean unresolved = false;
        for (Map.Entry<String, Located> e : values.entrySet()) {
            ConfigOption<?> option = declared.get(e.getKey());
            Object value = e.getValue().valueFor(option);
            if (option != null && option.isSecret()) {
                redact(value, problems);
            }
            if (e.getValue().unresolved()) {
                unresolved = true;
            } else {
                raw.put(e.getKey(), value);
            }
        }
        try {
            Configuration configuration = Configuration.of(options, raw);
            return unresolved ? Optional.empty() : Optional.of(configuration);
        } catch (ConfigurationException e) {
            for (ConfigProblem p : e.problems()) {
                Located at = values.get(p.path());
                if (at == null) {
                    problems.add(join(sectionPath, p.path()), fallbackLine, p.message());
                } else if (!at.unresolved()) {
                    problems.add(at.path(), at.line(), p.message());
                }
            }
            return Optional.empty();
        }
    }

    private static void redact(Object raw, Problems problems) {
        if (raw instanceof Map<?, ?> map) {
            map.values().forEach(v -> redact(v, problems));
        } else if (raw instanceof List<?> list) {
            list.forEach(v -> redact(v, problems));
        } else if (raw != null) {
            problems.redact(raw.toString());
        }
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
