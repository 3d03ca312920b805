package dev.cdc.plugins.generator;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceFactory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GeneratorSourceFactoryTest {

    private final GeneratorSourceFactory factory = new GeneratorSourceFactory();

    @Test
    void isFoundByServiceLoader() {
        assertThat(ServiceLoader.load(SourceFactory.class).stream().map(p -> p.get().type()))
                .contains("generator");
    }

    @Test
    void defaultsArePinned() {
        GeneratorSettings s = GeneratorSettings.of(Map.of());
        assertThat(s).isEqualTo(new GeneratorSettings(List.of(TableId.parse("demo.orders")), 100.0, 0, 1000, 42, 100,
                3, 1, 16));
        assertThat(factory.requiredOptions()).isEmpty();
        assertThat(factory.options()).allSatisfy(o -> assertThat(o.description()).isNotBlank());
    }

    @Test
    void createsASourceFromMinimalOptionsAndClosesTwice() throws Exception {
        Source source = factory.create(PluginContext.of(Configuration.of(factory.options(), Map.of()), "p", "source"));
        assertThat(source).isInstanceOf(GeneratorSource.class);
        source.close();
        source.close();
    }

    @Test
    void badValuesAreAllReported() {
        Map<String, Object> bad = Map.of("rate", -1, "count", -2, "keys", -5, "batch-size", 0, "payload-bytes",
                5_000_000, "tables", List.of(), "operations", Map.of("create", 1, "update", 3));
        assertThatThrownBy(() -> Configuration.of(factory.options(), bad))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).extracting(p -> p.path()).containsExactlyInAnyOrder(
                            "rate", "count", "keys", "batch-size", "payload-bytes", "tables", "operations");
                    assertThat(e.getMessage()).contains("creates are not weighted");
                });
        assertThatThrownBy(() -> Configuration.of(factory.options(), Map.of("tables", List.of("a.x", "a.x"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("distinct");
        assertThatThrownBy(() -> Configuration.of(factory.options(),
                Map.of("operations", Map.of("update", 0, "delete", 0))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("not both 0");
    }
}
