package dev.cdc.testkit.arch;

import dev.cdc.testkit.assertion.PluginFactoryAssertions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarFile;

/**
 * Checks the {@code META-INF/services/dev.cdc.api.spi.*} files on a classpath, which ArchUnit
 * cannot see: each file names an SPI factory interface, each entry an existing public, concrete
 * class implementing it with a public no-arg constructor, whose {@code type()} is lower case and
 * unique among the factories of its kind. A module's {@code ServiceFilesTest} calls
 * {@link #assertValid(ClassLoader)} with its test class loader, so the check covers the module
 * and everything it is packaged with. Thread-safe; holds no state.
 */
public final class ServiceFiles {

    /** The directory of service files. */
    public static final String DIRECTORY = "META-INF/services/";
    /** The prefix of every cdc SPI service file name. */
    public static final String SPI_PACKAGE = "dev.cdc.api.spi.";

    private static final List<String> KNOWN_SPIS = List.of("SourceFactory", "SinkFactory", "FilterFactory",
            "TransformerFactory", "CheckpointStoreFactory");

    /**
     * One line of a service file.
     *
     * @param spi       the file's name: the SPI interface, {@code dev.cdc.api.spi.SinkFactory}
     * @param className the class the line names
     * @param file      where the file is
     * @param line      the line number, from 1
     */
    public record Entry(String spi, String className, URL file, int line) {
        public Entry {
            Objects.requireNonNull(spi, "spi");
            Objects.requireNonNull(className, "className");
            Objects.requireNonNull(file, "file");
        }

        @Override
        public String toString() {
            return DIRECTORY + spi + " line " + line + " (" + file + "): " + className;
        }
    }

    private ServiceFiles() {
    }

    /** Every entry of every {@code META-INF/services/dev.cdc.api.spi.*} file the class loader sees. */
    public static List<Entry> entries(ClassLoader loader) {
        List<Entry> entries = new ArrayList<>();
        for (URL file : serviceFiles(loader)) {
            String path = file.getPath();
            String spi = path.substring(path.lastIndexOf('/') + 1);
            int lineNumber = 0;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(file.openStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lineNumber++;
                    int hash = line.indexOf('#');
                    String name = (hash >= 0 ? line.substring(0, hash) : line).trim();
                    if (!name.isEmpty()) {
                        entries.add(new Entry(spi, name, file, lineNumber));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + file, e);
            }
        }
        return entries;
    }

    /**
     * Checks every entry.
     *
     * @throws AssertionError listing every problem, each with its file, line and how to fix it
     */
    public static void assertValid(ClassLoader loader) {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, Set<String>>> typesByKind = new TreeMap<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Entry entry : entries(loader)) {
            if (!seen.add(entry.spi() + " " + entry.className())) {
                continue;
            }
            Class<?> spi = spiInterface(entry, loader, problems);
            if (spi == null) {
                continue;
            }
            String type = checkProvider(entry, spi, loader, problems);
            if (type != null) {
                typesByKind.computeIfAbsent(entry.spi(), k -> new TreeMap<>())
                        .computeIfAbsent(type, t -> new LinkedHashSet<>()).add(entry.className());
            }
        }
        typesByKind.forEach((kind, types) -> types.forEach((type, classes) -> {
            if (classes.size() > 1) {
                problems.add(kind + ": type '" + type + "' is claimed by " + classes.size() + " factories: " + classes
                        + "; give each plugin its own type");
            }
        }));
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " problem(s) in " + DIRECTORY + SPI_PACKAGE + "* files:\n  "
                    + String.join("\n  ", problems));
        }
    }

    private static Class<?> spiInterface(Entry entry, ClassLoader loader, List<String> problems) {
        String simpleName = entry.spi().substring(SPI_PACKAGE.length());
        try {
            Class<?> spi = Class.forName(entry.spi(), false, loader);
            Class<?> pluginFactory = Class.forName(ArchitectureRules.PLUGIN_FACTORY, false, loader);
            if (spi.isInterface() && pluginFactory.isAssignableFrom(spi)) {
                return spi;
            }
        } catch (ClassNotFoundException e) {
            // reported below
        }
        problems.add(DIRECTORY + entry.spi() + " (" + entry.file() + ") names no SPI factory interface '"
                + simpleName + "'; rename the file to one of " + KNOWN_SPIS.stream().map(n -> SPI_PACKAGE + n).toList());
        return null;
    }

    /** Checks one provider; returns its type, or null when it cannot be instantiated. */
    private static String checkProvider(Entry entry, Class<?> spi, ClassLoader loader, List<String> problems) {
        Class<?> provider;
        try {
            provider = Class.forName(entry.className(), false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            problems.add(entry + ": no such class; fix the name or remove the line");
            return null;
        }
        int before = problems.size();
        if (!spi.isAssignableFrom(provider)) {
            problems.add(entry + ": does not implement " + spi.getName() + "; register it under the interface it"
                    + " implements");
        }
        if (!Modifier.isPublic(provider.getModifiers())) {
            problems.add(entry + ": is not public; ServiceLoader needs a public class");
        }
        if (provider.isInterface() || Modifier.isAbstract(provider.getModifiers())) {
            problems.add(entry + ": is abstract; register the concrete factory");
        }
        if (provider.getEnclosingClass() != null && !Modifier.isStatic(provider.getModifiers())) {
            problems.add(entry + ": is an inner class; make it static or top-level");
        }
        Constructor<?> constructor = null;
        try {
            constructor = provider.getConstructor();
        } catch (NoSuchMethodException e) {
            problems.add(entry + ": has no public no-arg constructor; ServiceLoader needs one (take settings"
                    + " from PluginContext in create())");
        }
        if (problems.size() > before) {
            return null;
        }
        Object factory;
        try {
            factory = constructor.newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            problems.add(entry + ": its constructor failed (" + e + "); a factory constructor must not fail");
            return null;
        }
        String type;
        try {
            Method typeMethod = spi.getMethod("type");
            type = (String) typeMethod.invoke(factory);
        } catch (ReflectiveOperationException | RuntimeException e) {
            problems.add(entry + ": type() failed (" + e + ")");
            return null;
        }
        if (type == null || !PluginFactoryAssertions.TYPE.matcher(type).matches()) {
            problems.add(entry + ": type() is '" + type + "' but must be lower-case words joined by '-' ("
                    + PluginFactoryAssertions.TYPE + ")");
            return null;
        }
        return type;
    }

    /** The service files: listed from each {@code META-INF/services} directory, plus the known names. */
    private static List<URL> serviceFiles(ClassLoader loader) {
        Map<String, URL> files = new LinkedHashMap<>();
        try {
            for (URL dir : Collections.list(loader.getResources(DIRECTORY.substring(0, DIRECTORY.length() - 1)))) {
                for (URL file : list(dir)) {
                    String name = file.getPath().substring(file.getPath().lastIndexOf('/') + 1);
                    if (name.startsWith(SPI_PACKAGE)) {
                        files.putIfAbsent(file.toExternalForm(), file);
                    }
                }
            }
            for (String spi : KNOWN_SPIS) {
                for (URL file : Collections.list(loader.getResources(DIRECTORY + SPI_PACKAGE + spi))) {
                    files.putIfAbsent(file.toExternalForm(), file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + DIRECTORY, e);
        }
        return List.copyOf(files.values());
    }

    private static List<URL> list(URL dir) throws IOException {
        List<URL> out = new ArrayList<>();
        if ("file".equals(dir.getProtocol())) {
            Path path;
            try {
                path = Path.of(dir.toURI());
            } catch (URISyntaxException e) {
                throw new IOException("bad directory URL " + dir, e);
            }
            if (Files.isDirectory(path)) {
                try (DirectoryStream<Path> stream = Files.newDirectoryStream(path)) {
                    for (Path p : stream) {
                        if (Files.isRegularFile(p)) {
                            out.add(p.toUri().toURL());
                        }
                    }
                }
            }
        } else if ("jar".equals(dir.getProtocol())) {
            JarURLConnection connection = (JarURLConnection) dir.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                String base = connection.getJarFileURL().toExternalForm();
                jar.stream().filter(e -> !e.isDirectory() && e.getName().startsWith(DIRECTORY)
                                && e.getName().indexOf('/', DIRECTORY.length()) < 0)
                        .forEach(e -> {
                            try {
                                out.add(new URL("jar:" + base + "!/" + e.getName()));
                            } catch (IOException ex) {
                                throw new UncheckedIOException(ex);
                            }
                        });
            }
        }
        return out;
    }
}
