package dev.cdc.core.config;

import dev.cdc.api.config.ClosestName;
import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.spi.PluginFactory;
import dev.cdc.core.spec.PluginSpec;
import dev.cdc.core.plugin.PluginKind;
import dev.cdc.core.plugin.PluginRegistry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a plugin's YAML section ({@code type:} plus options, inline or under {@code options:}),
 * or a type and a map of options given by code, into a {@link PluginSpec}. Thread-safe.
 */
final class PluginBinder {

    private static final String OPTIONS = "options";
    private static final String TYPE = "type";

    private final PluginRegistry registry;

    PluginBinder(PluginRegistry registry) {
        this.registry = registry;
    }

    PluginRegistry registry() {
        return registry;
    }

    /**
     * Binds one plugin section.
     *
     * @param section        the section's value (a mapping, else a problem)
     * @param instanceName   the plugin instance's name
     * @param keysTakenByCaller reserved keys the caller binds itself (a sink's {@code retry:}, ...)
     * @return the spec, or empty when a problem was found (and added to {@code problems})
     */
    <T> Optional<PluginSpec<T>> bindSection(PluginKind kind, YamlValue section, String instanceName,
                                            Collection<String> keysTakenByCaller, Problems problems) {
        if (!(section instanceof YamlValue.Mapping mapping)) {
            if (!section.unresolved()) {
                problems.add(section.path(), section.line(), (section instanceof YamlValue.Scalar s && s.value() == null
                        ? "is empty" : "was " + section.describe()) + " but it must be a mapping with a 'type' key; "
                        + knownTypes(kind));
            }
            return Optional.empty();
        }
        Optional<String> type = type(kind, mapping, problems);
        if (type.isEmpty()) {
            return Optional.empty();
        }
        Optional<PluginFactory> factory = registry.find(kind, type.get());
        int typeLine = mapping.entries().get(TYPE).keyLine();
        if (factory.isEmpty()) {
            problems.add(LocatedOptions.join(mapping.path(), TYPE), typeLine,
                    registry.unknownTypeMessage(kind, type.get()));
            return Optional.empty();
        }
        LocatedOptions options = new LocatedOptions(mapping.path(), typeLine);
        Set<String> pluginKeys = new TreeSet<>();
        factory.get().options().forEach(o -> pluginKeys.add(o.key()));
        for (YamlValue.Entry e : mapping.entries().values()) {
            if (!e.key().equals(TYPE) && !e.key().equals(OPTIONS) && !keysTakenByCaller.contains(e.key())) {
                Optional<String> callerKey = pluginKeys.contains(e.key()) ? Optional.empty()
                        : ClosestName.among(e.key(), keysTakenByCaller);
                if (callerKey.isPresent()) {
                    // a misspelled setting of the caller's (a sink's schema-policy), not a plugin option
                    Set<String> known = new TreeSet<>(pluginKeys);
                    known.addAll(keysTakenByCaller);
                    problems.add(LocatedOptions.join(mapping.path(), e.key()), e.keyLine(), "unknown option; did you "
                            + "mean '" + callerKey.get() + "'? (known: " + String.join(", ", known) + ")");
                    continue;
                }
                options.add(e.key(), e.keyLine(), e.value());
            }
        }
        YamlValue.Entry nested = mapping.entries().get(OPTIONS);
        boolean nestedOk = nested == null || addNested(options, nested, problems);
        Optional<Configuration> configuration = options.bind(factory.get().options(), problems)
                .filter(c -> fits(factory.get(), c, options, problems));
        if (!nestedOk) {
            return Optional.empty();
        }
        return configuration.map(c -> spec(kind, factory.get(), type.get(), c, instanceName, mapping.path()));
    }

    /** Adds the keys under {@code options:}; false when it is not a mapping. */
    private static boolean addNested(LocatedOptions options, YamlValue.Entry nested, Problems problems) {
        if (nested.value() instanceof YamlValue.Scalar s && s.value() == null && !s.unresolved()) {
            return true;
        }
        if (!(nested.value() instanceof YamlValue.Mapping nestedMap)) {
            if (!nested.value().unresolved()) {
                problems.add(nested.value().path(), nested.keyLine(), "was " + nested.value().describe()
                        + " but it must be a mapping of the plugin's options");
            }
            return false;
        }
        boolean ok = true;
        for (YamlValue.Entry e : nestedMap.entries().values()) {
            if (options.has(e.key())) {
                problems.add(e.value().path(), e.keyLine(), "is given both inline (line " + options.line(e.key())
                        + ") and under 'options:'; keep one");
                ok = false;
            } else {
                options.add(e.key(), e.keyLine(), e.value());
            }
        }
        return ok;
    }

    private Optional<String> type(PluginKind kind, YamlValue.Mapping mapping, Problems problems) {
        YamlValue.Entry entry = mapping.entries().get(TYPE);
        if (entry == null) {
            problems.add(mapping.path(), mapping.line(), "has no 'type'; " + knownTypes(kind));
            return Optional.empty();
        }
        if (entry.value().unresolved()) {
            return Optional.empty();
        }
        if (!(entry.value() instanceof YamlValue.Scalar s) || s.value() == null) {
            problems.add(entry.value().path(), entry.keyLine(), (entry.value() instanceof YamlValue.Scalar
                    ? "is empty" : "was " + entry.value().describe()) + " but it must be a " + kind.word()
                    + " type name; " + knownTypes(kind));
            return Optional.empty();
        }
        return Optional.of(s.value().toString());
    }

    private String knownTypes(PluginKind kind) {
        return registry.types(kind).isEmpty() ? "no " + kind.word() + " types are registered"
                : "known " + kind.word() + " types: " + String.join(", ", registry.types(kind));
    }

    /**
     * Binds a type and options given by code (or an engine default), reporting problems at
     * {@code yamlPath} and {@code line}.
     *
     * @return the spec, or empty when a problem was found (and added to {@code problems})
     */
    <T> Optional<PluginSpec<T>> bindMap(PluginKind kind, String type, Map<String, ?> raw, String instanceName,
                                        String yamlPath, int line, Problems problems) {
        Optional<PluginFactory> factory = registry.find(kind, type);
        if (factory.isEmpty()) {
            problems.add(LocatedOptions.join(yamlPath, TYPE), line, registry.unknownTypeMessage(kind, type));
            return Optional.empty();
        }
        LocatedOptions options = new LocatedOptions(yamlPath, line);
        raw.forEach((k, v) -> options.addValue(k, line, v));
        return options.bind(factory.get().options(), problems)
                .filter(c -> fits(factory.get(), c, options, problems))
                .map(c -> spec(kind, factory.get(), type, c, instanceName, yamlPath));
    }

    /**
     * Runs the factory's cross-option checks ({@link PluginFactory#validate}); each problem is
     * reported at the line and path of the option it names (the section's {@code type:} line when
     * it names none).
     *
     * @return true when the options fit
     */
    private static boolean fits(PluginFactory factory, Configuration configuration, LocatedOptions options,
                                Problems problems) {
        List<ConfigProblem> found;
        try {
            found = factory.validate(configuration);
        } catch (ConfigurationException e) {
            found = e.problems();
        } catch (RuntimeException e) {
            found = List.of(ConfigProblem.of("", "the " + factory.type() + " plugin could not check its options: "
                    + e));
        }
        for (ConfigProblem p : found) {
            problems.add(options.pathOf(p.path()), options.line(p.path()), p.message());
        }
        return found.isEmpty();
    }

    /** Binds every entry of a list of plugin sections ({@code filters:}, {@code transforms:}). */
    <T> Optional<List<PluginSpec<T>>> bindList(PluginKind kind, YamlValue list, String instancePrefix,
                                               Problems problems) {
        if (list instanceof YamlValue.Scalar s && s.value() == null && !s.unresolved()) {
            return Optional.of(List.of());
        }
        if (!(list instanceof YamlValue.Sequence sequence)) {
            if (!list.unresolved()) {
                problems.add(list.path(), list.line(), "was " + list.describe() + " but it must be a list of "
                        + kind.word() + "s, each a mapping with a 'type' key");
            }
            return Optional.empty();
        }
        List<PluginSpec<T>> specs = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < sequence.items().size(); i++) {
            Optional<PluginSpec<T>> spec = bindSection(kind, sequence.items().get(i),
                    instancePrefix + kind.section() + "[" + i + "]", List.of(), problems);
            spec.ifPresent(specs::add);
            ok &= spec.isPresent();
        }
        return ok ? Optional.of(specs) : Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private static <T> PluginSpec<T> spec(PluginKind kind, PluginFactory factory, String type,
                                          Configuration configuration, String instanceName, String yamlPath) {
        return new PluginSpec<>(instanceName, type, yamlPath, configuration, ctx -> (T) kind.create(factory, ctx));
    }
}
