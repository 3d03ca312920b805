package dev.cdc.core.plugin;

import dev.cdc.api.config.ClosestName;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.spi.PluginFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every plugin factory the engine knows, by kind and type name.
 *
 * <p>Built once, by {@link #discover(ClassLoader)} ({@link ServiceLoader} over the five factory
 * interfaces) or {@link #of(Collection)}; both check every factory and report every conflict at
 * once: two factories of one kind claiming one type name (both named, with the jar each came
 * from), a {@code META-INF/services} entry that cannot be loaded, a type name that is not
 * lower-case words joined by '-', an option key the YAML section reserves. Immutable and
 * thread-safe.
 */
public final class PluginRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);
    private static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z0-9-]*");
    private static final Pattern PROVIDER_IN_ERROR = Pattern.compile("Provider ([\\w.$]+)");
    private static final int MAX_LOAD_ERRORS_PER_KIND = 100;

    private final Map<PluginKind, SortedMap<String, PluginFactory>> byKind;

    private PluginRegistry(Map<PluginKind, SortedMap<String, PluginFactory>> byKind) {
        this.byKind = byKind;
    }

    /**
     * Loads every {@code SourceFactory}, {@code SinkFactory}, {@code FilterFactory},
     * {@code TransformerFactory} and {@code CheckpointStoreFactory} registered in
     * {@code META-INF/services} visible to {@code loader}.
     *
     * @throws CdcException listing every entry that failed to load and every conflict
     */
    public static PluginRegistry discover(ClassLoader loader) {
        Objects.requireNonNull(loader, "loader");
        List<String> problems = new ArrayList<>();
        List<Registration> found = new ArrayList<>();
        for (PluginKind kind : PluginKind.values()) {
            Iterator<? extends PluginFactory> it = ServiceLoader.load(kind.factoryType(), loader).iterator();
            int errors = 0;
            while (errors < MAX_LOAD_ERRORS_PER_KIND) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    found.add(new Registration(kind, it.next()));
                } catch (ServiceConfigurationError e) {
                    errors++;
                    problems.add(loadFailure(kind, e, loader));
                }
            }
        }
        return build(found, problems);
    }

    /** {@link #discover(ClassLoader)} with the thread's context class loader, else this class's. */
    public static PluginRegistry discover() {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        return discover(tccl != null ? tccl : PluginRegistry.class.getClassLoader());
    }

    /**
     * A registry of exactly these factories, for tests and embedding. Each is registered under
     * every kind whose factory interface it implements.
     *
     * @throws CdcException listing every conflict, or a factory that implements no factory interface
     */
    public static PluginRegistry of(Collection<? extends PluginFactory> factories) {
        List<String> problems = new ArrayList<>();
        List<Registration> found = new ArrayList<>();
        for (PluginFactory f : factories) {
            Set<PluginKind> kinds = PluginKind.kindsOf(Objects.requireNonNull(f, "factory"));
            if (kinds.isEmpty()) {
                problems.add(f.getClass().getName() + " implements none of "
                        + Arrays.stream(PluginKind.values()).map(k -> k.factoryType().getSimpleName())
                        .collect(Collectors.joining(", ")) + "; implement one of them");
            }
            kinds.forEach(k -> found.add(new Registration(k, f)));
        }
        return build(found, problems);
    }

    private static PluginRegistry build(List<Registration> found, List<String> problems) {
        Map<PluginKind, SortedMap<String, PluginFactory>> byKind = new EnumMap<>(PluginKind.class);
        for (PluginKind kind : PluginKind.values()) {
            byKind.put(kind, new TreeMap<>());
        }
        for (Registration r : found) {
            String type;
            try {
                type = r.factory().type();
            } catch (RuntimeException e) {
                problems.add(r.describe("?") + " failed in type(): " + e);
                continue;
            }
            if (type == null || !TYPE_NAME.matcher(type).matches()) {
                problems.add(r.describe(type) + " has type name '" + type + "' but a type name must be lower-case "
                        + "letters, digits and '-', starting with a letter ([a-z][a-z0-9-]*)");
                continue;
            }
            checkOptions(r, type, problems);
            PluginFactory previous = byKind.get(r.kind()).putIfAbsent(type, r.factory());
            if (previous != null) {
                problems.add("two " + r.kind().word() + " plugins claim the type '" + type + "': "
                        + previous.getClass().getName() + " (from " + location(previous.getClass()) + ") and "
                        + r.factory().getClass().getName() + " (from " + location(r.factory().getClass()) + "); "
                        + "remove one of the two jars from the class path (or, if they are the same plugin in "
                        + "two versions, keep only one version)");
            } else {
                LOG.debug("registered {} type '{}': {} from {}", r.kind().word(), type,
                        r.factory().getClass().getName(), location(r.factory().getClass()));
            }
        }
        if (!problems.isEmpty()) {
            throw new CdcException(problems.size() == 1 ? "plugin registry: " + problems.get(0)
                    : "plugin registry (" + problems.size() + " problems):\n  " + String.join("\n  ", problems));
        }
        byKind.replaceAll((k, m) -> Collections.unmodifiableSortedMap(m));
        return new PluginRegistry(Collections.unmodifiableMap(byKind));
    }

    private static void checkOptions(Registration r, String type, List<String> problems) {
        List<ConfigOption<?>> options;
        try {
            options = Objects.requireNonNull(r.factory().options(), "options() returned null");
        } catch (RuntimeException e) {
            problems.add(r.describe(type) + " failed in options(): " + e);
            return;
        }
        Set<String> seen = new HashSet<>();
        for (ConfigOption<?> o : options) {
            if (!seen.add(o.key())) {
                problems.add(r.describe(type) + " declares the option '" + o.key() + "' twice; declare it once");
            }
            if (r.kind().reservedKeys().contains(o.key())) {
                problems.add(r.describe(type) + " declares the option '" + o.key() + "', but '" + o.key()
                        + "' is reserved in a " + r.kind().word() + " section (reserved: "
                        + String.join(", ", r.kind().reservedKeys()) + "); rename the option");
            }
        }
    }

    private static String loadFailure(PluginKind kind, ServiceConfigurationError e, ClassLoader loader) {
        String service = kind.factoryType().getName();
        String message = String.valueOf(e.getMessage());
        if (message.startsWith(service + ": ")) {
            message = message.substring(service.length() + 2);
        }
        StringBuilder sb = new StringBuilder("could not load a ").append(kind.word()).append(" plugin listed in ")
                .append("META-INF/services/").append(service).append(": ").append(message);
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            sb.append("; caused by ").append(c);
        }
        Matcher m = PROVIDER_IN_ERROR.matcher(message);
        if (m.find()) {
            List<String> listedIn = servicesFilesListing(loader, service, m.group(1));
            if (!listedIn.isEmpty()) {
                sb.append(" (entry '").append(m.group(1)).append("' listed in ").append(String.join(", ", listedIn))
                        .append(')');
            }
        }
        return sb.append(". Fix the entry, add the jar the plugin needs, or remove the plugin's jar").toString();
    }

    /** The services files visible to {@code loader} that list {@code provider}. */
    private static List<String> servicesFilesListing(ClassLoader loader, String service, String provider) {
        List<String> out = new ArrayList<>();
        try {
            for (URL url : Collections.list(loader.getResources("META-INF/services/" + service))) {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(url.openStream(),
                        StandardCharsets.UTF_8))) {
                    if (in.lines().map(l -> l.replaceFirst("#.*", "").trim()).anyMatch(provider::equals)) {
                        out.add(url.toString());
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("could not read META-INF/services/{}", service, e);
        }
        return out;
    }

    /** Where a class was loaded from: its jar or directory, for messages. */
    static String location(Class<?> type) {
        try {
            CodeSource source = type.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                return source.getLocation().toString();
            }
        } catch (SecurityException e) {
            LOG.debug("no code source for {}", type, e);
        }
        return "an unknown location";
    }

    /** The factory of this kind registered for {@code type}, if any. */
    @SuppressWarnings("unchecked")
    public <F extends PluginFactory> Optional<F> find(PluginKind kind, String type) {
        return Optional.ofNullable((F) byKind.get(kind).get(type));
    }

    /**
     * The factory of this kind registered for {@code type}.
     *
     * @throws ConfigurationException with one problem at path {@code type}:
     *         "unknown sink type 'elastic'; did you mean 'elasticsearch'? known sink types: elasticsearch, file"
     */
    public <F extends PluginFactory> F require(PluginKind kind, String type) {
        Optional<F> found = find(kind, type);
        return found.orElseThrow(() -> new ConfigurationException(
                List.of(ConfigProblem.of("type", unknownTypeMessage(kind, type)))));
    }

    /** The message for a type name nothing is registered under, listing the known ones. */
    public String unknownTypeMessage(PluginKind kind, String type) {
        SortedSet<String> known = types(kind);
        StringBuilder sb = new StringBuilder("unknown ").append(kind.word()).append(" type '").append(type).append('\'');
        if (known.isEmpty()) {
            return sb.append("; no ").append(kind.word()).append(" types are registered (is the plugin's jar on the "
                    + "class path?)").toString();
        }
        sb.append(ClosestName.among(type, known).map(c -> "; did you mean '" + c + "'? ").orElse("; "));
        return sb.append("known ").append(kind.word()).append(" types: ").append(String.join(", ", known))
                .toString();
    }

    /** The registered type names of a kind, sorted. */
    public SortedSet<String> types(PluginKind kind) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(byKind.get(kind).keySet()));
    }

    /** The registered factories of a kind, sorted by type name. */
    public List<PluginFactory> factories(PluginKind kind) {
        return List.copyOf(byKind.get(kind).values());
    }

    /** Where the factory's class was loaded from (jar or directory), for {@code cdc plugins}. */
    public static String locationOf(PluginFactory factory) {
        return location(factory.getClass());
    }

    @Override
    public String toString() {
        return byKind.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey().word() + ": " + String.join(", ", e.getValue().keySet()))
                .collect(Collectors.joining("; ", "PluginRegistry[", "]"));
    }

    private record Registration(PluginKind kind, PluginFactory factory) {
        String describe(String type) {
            return kind.word() + " plugin " + factory.getClass().getName()
                    + (type == null || type.equals("?") ? "" : " (type '" + type + "')")
                    + " from " + location(factory.getClass());
        }
    }
}
