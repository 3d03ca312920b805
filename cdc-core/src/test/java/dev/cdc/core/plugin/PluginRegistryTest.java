package dev.cdc.core.plugin;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.spi.PluginFactory;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.api.spi.SourceFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginRegistryTest {

    @TempDir
    Path dir;

    @Test
    void findsFactoriesByKindAndType() {
        PluginRegistry registry = TestPlugins.standardRegistry();

        SinkFactory file = registry.require(PluginKind.SINK, "file");
        assertThat(file.type()).isEqualTo("file");
        assertThat(registry.<SourceFactory>find(PluginKind.SOURCE, "postgres")).isPresent();
        assertThat(registry.find(PluginKind.SOURCE, "file")).isEmpty();
        assertThat(registry.types(PluginKind.SINK)).containsExactly("elasticsearch", "file", "redis", "stdout");
        assertThat(registry.types(PluginKind.CHECKPOINT)).containsExactly("file", "memory");
        assertThat(registry.factories(PluginKind.FILTER)).extracting(PluginFactory::type).containsExactly("table");
    }

    @Test
    void unknownTypeListsTheKnownOnesAndSuggestsACloseName() {
        PluginRegistry registry = TestPlugins.standardRegistry();

        assertThatThrownBy(() -> registry.require(PluginKind.SINK, "elastic"))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).problems().get(0).message()).isEqualTo(
                        "unknown sink type 'elastic'; did you mean 'elasticsearch'? "
                                + "known sink types: elasticsearch, file, redis, stdout"));
        assertThat(registry.unknownTypeMessage(PluginKind.SINK, "redsi"))
                .contains("did you mean 'redis'?");
        assertThat(registry.unknownTypeMessage(PluginKind.SINK, "kafka"))
                .isEqualTo("unknown sink type 'kafka'; known sink types: elasticsearch, file, redis, stdout");
        assertThat(registry.unknownTypeMessage(PluginKind.TRANSFORM, "mask-column"))
                .isEqualTo("unknown transform type 'mask-column'; did you mean 'mask-columns'? "
                        + "known transform types: mask-columns");
    }

    @Test
    void noTypesRegisteredSaysSo() {
        PluginRegistry registry = PluginRegistry.of(List.of());

        assertThat(registry.unknownTypeMessage(PluginKind.SOURCE, "postgres"))
                .isEqualTo("unknown source type 'postgres'; no source types are registered "
                        + "(is the plugin's jar on the class path?)");
    }

    @Test
    void twoFactoriesClaimingOneTypeAreBothNamed() {
        List<PluginFactory> factories = List.of(new TestPlugins.DiscoveredSink(), new TestPlugins.ClashingSink());

        assertThatThrownBy(() -> PluginRegistry.of(factories))
                .isInstanceOf(CdcException.class)
                .hasMessageContaining("two sink plugins claim the type 'discovered-sink'")
                .hasMessageContaining(TestPlugins.DiscoveredSink.class.getName())
                .hasMessageContaining(TestPlugins.ClashingSink.class.getName())
                .hasMessageContaining(PluginRegistry.locationOf(new TestPlugins.DiscoveredSink()))
                .hasMessageContaining("remove one of the two jars");
    }

    @Test
    void oneTypeNameMayBeUsedByDifferentKinds() {
        PluginRegistry registry = TestPlugins.standardRegistry();

        assertThat(registry.find(PluginKind.SINK, "file")).get().isNotSameAs(
                registry.find(PluginKind.CHECKPOINT, "file").orElseThrow());
    }

    @Test
    void rejectsBadTypeNamesReservedOptionKeysAndNonFactories() {
        ConfigOption<Integer> retry = ConfigOption.key("retry").intType().defaultValue(3);
        ConfigOption<String> type = ConfigOption.key("type").stringType().defaultValue("x");
        PluginFactory notAPlugin = new PluginFactory() {
            @Override
            public String type() {
                return "nothing";
            }

            @Override
            public List<ConfigOption<?>> options() {
                return List.of();
            }
        };

        assertThatThrownBy(() -> PluginRegistry.of(List.of(
                new TestPlugins.TestSink("Bad_Type", List.of()),
                new TestPlugins.TestSink("retrying", List.of(retry)),
                new TestPlugins.TestSource("typed", List.of(type)),
                notAPlugin)))
                .isInstanceOf(CdcException.class)
                .hasMessageContaining("(4 problems)")
                .hasMessageContaining("has type name 'Bad_Type' but a type name must be lower-case")
                .hasMessageContaining("(type 'retrying')")
                .hasMessageContaining("declares the option 'retry', but 'retry' is reserved in a sink section")
                .hasMessageContaining("declares the option 'type', but 'type' is reserved in a source section")
                .hasMessageContaining("implements none of SourceFactory, SinkFactory");
    }

    @Test
    void discoversFactoriesListedInServicesFiles() throws IOException {
        services("dev.cdc.api.spi.SinkFactory", TestPlugins.DiscoveredSink.class.getName());
        services("dev.cdc.api.spi.FilterFactory", "# a comment", TestPlugins.DiscoveredFilter.class.getName());

        PluginRegistry registry = PluginRegistry.discover(isolatedLoader());

        assertThat(registry.types(PluginKind.SINK)).containsExactly("discovered-sink");
        assertThat(registry.types(PluginKind.FILTER)).containsExactly("discovered-filter");
        assertThat(registry.types(PluginKind.SOURCE)).isEmpty();
    }

    @Test
    void discoveredDuplicatesNameBothClassesAndWhereTheyCameFrom() throws IOException {
        services("dev.cdc.api.spi.SinkFactory", TestPlugins.DiscoveredSink.class.getName(),
                TestPlugins.ClashingSink.class.getName());

        String testClasses = TestPlugins.class.getProtectionDomain().getCodeSource().getLocation().toString();
        assertThatThrownBy(() -> PluginRegistry.discover(isolatedLoader()))
                .isInstanceOf(CdcException.class)
                .hasMessageContaining(TestPlugins.DiscoveredSink.class.getName() + " (from " + testClasses + ")")
                .hasMessageContaining(TestPlugins.ClashingSink.class.getName() + " (from " + testClasses + ")");
    }

    @Test
    void entriesThatFailToLoadAreNamedWithTheirCause() throws IOException {
        services("dev.cdc.api.spi.SinkFactory", TestPlugins.BrokenSink.class.getName(), "com.example.MissingSink",
                TestPlugins.DiscoveredSink.class.getName());

        assertThatThrownBy(() -> PluginRegistry.discover(isolatedLoader()))
                .isInstanceOf(CdcException.class)
                .hasMessageContaining("(2 problems)")
                .hasMessageContaining("could not load a sink plugin listed in META-INF/services/dev.cdc.api.spi.SinkFactory")
                .hasMessageContaining(TestPlugins.BrokenSink.class.getName())
                .hasMessageContaining("needs the elasticsearch client on the class path")
                .hasMessageContaining("com.example.MissingSink")
                .hasMessageContaining("listed in file:" + dir.resolve("META-INF/services/dev.cdc.api.spi.SinkFactory"));
    }

    private void services(String service, String... lines) throws IOException {
        Path file = dir.resolve("META-INF/services").resolve(service);
        Files.createDirectories(file.getParent());
        Files.write(file, List.of(lines));
    }

    /** Sees only the services files under {@link #dir}, and loads classes from the test class path. */
    private ClassLoader isolatedLoader() throws IOException {
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader()) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                return findResources(name);
            }
        };
    }
}
