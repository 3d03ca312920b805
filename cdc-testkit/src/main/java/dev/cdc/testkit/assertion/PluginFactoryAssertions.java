package dev.cdc.testkit.assertion;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.PluginFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks that every plugin's factory test makes: a well-formed declaration, and registration
 * in {@code META-INF/services}. Every problem is reported at once. Thread-safe; holds no state.
 */
public final class PluginFactoryAssertions {

    /** A factory type: lower case, words joined by single '-': {@code elasticsearch}, {@code dead-letter}. */
    public static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    private PluginFactoryAssertions() {
    }

    /**
     * The factory's type is lower case, every option key is unique and has a description, and
     * no required option has a default.
     *
     * @throws AssertionError listing every problem
     */
    public static void assertWellDeclared(PluginFactory factory) {
        List<String> problems = new ArrayList<>();
        String type = factory.type();
        if (type == null || !TYPE.matcher(type).matches()) {
            problems.add("type() was '" + type + "' but it must be lower-case words joined by '-' (" + TYPE + ")");
        }
        List<ConfigOption<?>> options = factory.options();
        if (options == null) {
            problems.add("options() returned null; return List.of() for a plugin without options");
            options = List.of();
        }
        Set<String> keys = new HashSet<>();
        for (ConfigOption<?> o : options) {
            if (!keys.add(o.key())) {
                problems.add("option '" + o.key() + "' is declared twice");
            }
            if (o.description() == null || o.description().isBlank()) {
                problems.add("option '" + o.key() + "' has no description; add .description(\"...\"): "
                        + "it is what `cdc plugins` and the README reference show");
            }
            if (o.isRequired() && o.defaultValue().isPresent()) {
                problems.add("option '" + o.key() + "' is required but has a default; drop one of them");
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("factory " + factory.getClass().getName() + " is not well declared:\n  "
                    + String.join("\n  ", problems));
        }
    }

    /**
     * {@link ServiceLoader} finds exactly one factory of {@code spi} with this type.
     *
     * @return that factory
     * @throws AssertionError naming the types found otherwise
     */
    public static <F extends PluginFactory> F assertRegistered(Class<F> spi, String type, ClassLoader loader) {
        List<F> found = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (F f : ServiceLoader.load(spi, loader)) {
            types.add(f.type() + " (" + f.getClass().getName() + ")");
            if (type.equals(f.type())) {
                found.add(f);
            }
        }
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one " + spi.getSimpleName() + " of type '" + type
                    + "' in META-INF/services/" + spi.getName() + " but found " + found.size() + "; registered: "
                    + (types.isEmpty() ? "none" : String.join(", ", types)));
        }
        return found.get(0);
    }
}
