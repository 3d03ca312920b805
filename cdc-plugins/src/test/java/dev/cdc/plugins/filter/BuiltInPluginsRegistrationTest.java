package dev.cdc.plugins.filter;

import dev.cdc.api.spi.FilterFactory;
import dev.cdc.api.spi.PluginFactory;
import dev.cdc.api.spi.SourceFactory;
import dev.cdc.api.spi.TransformerFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ArchUnit cannot see META-INF/services: this checks the built-in source, filter and
 * transformer registrations by hand.
 */
class BuiltInPluginsRegistrationTest {

    static Stream<Arguments> serviceFiles() {
        return Stream.of(
                Arguments.of(SourceFactory.class, List.of("generator")),
                Arguments.of(FilterFactory.class, List.of("table", "operation")),
                Arguments.of(TransformerFactory.class, List.of("drop-columns", "mask-columns", "rename-table", "unwrap")));
    }

    @ParameterizedTest
    @MethodSource("serviceFiles")
    void everyListedClassIsAPublicFactoryAndServiceLoaderFindsTheTypes(Class<? extends PluginFactory> service,
                                                                        List<String> types) throws Exception {
        List<String> classNames;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/services/" + service.getName())) {
            assertThat(in).as("service file for " + service.getSimpleName()).isNotNull();
            classNames = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        for (String name : classNames) {
            Class<?> c = Class.forName(name);
            assertThat(service).as(name).isAssignableFrom(c);
            assertThat(c.getConstructor().newInstance()).isNotNull();
        }
        List<String> found = ServiceLoader.load(service).stream().map(p -> p.get().type()).toList();
        assertThat(found).containsAll(types).doesNotHaveDuplicates();
        for (PluginFactory f : ServiceLoader.load(service)) {
            assertThat(f.type()).matches("[a-z][a-z0-9]*(-[a-z0-9]+)*");
            assertThat(f.description()).isNotBlank();
            assertThat(f.options()).allSatisfy(o -> assertThat(o.description()).as(f.type() + " " + o.key()).isNotBlank());
        }
    }
}
