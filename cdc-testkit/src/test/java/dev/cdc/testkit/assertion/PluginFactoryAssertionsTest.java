package dev.cdc.testkit.assertion;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.testkit.sink.MemorySinkFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginFactoryAssertionsTest {

    private static SinkFactory factory(String type, List<ConfigOption<?>> options) {
        return new SinkFactory() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public List<ConfigOption<?>> options() {
                return options;
            }

            @Override
            public Sink create(PluginContext context) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void aWellDeclaredFactoryPasses() {
        PluginFactoryAssertions.assertWellDeclared(new MemorySinkFactory());
    }

    @Test
    void everyDeclarationProblemIsReported() {
        ConfigOption<String> undescribed = ConfigOption.key("host").stringType().defaultValue("h");
        ConfigOption<Integer> port = ConfigOption.key("port").intType().defaultValue(1).description("The port.");
        assertThatThrownBy(() -> PluginFactoryAssertions.assertWellDeclared(
                factory("My_Sink", List.of(undescribed, port, port))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("type() was 'My_Sink'")
                .hasMessageContaining("option 'host' has no description")
                .hasMessageContaining("option 'port' is declared twice");
    }

    @Test
    void typesAreLowerCaseWordsJoinedByDashes() {
        assertThat(PluginFactoryAssertions.TYPE.matcher("dead-letter").matches()).isTrue();
        assertThat(PluginFactoryAssertions.TYPE.matcher("es8").matches()).isTrue();
        assertThat(PluginFactoryAssertions.TYPE.matcher("Redis").matches()).isFalse();
        assertThat(PluginFactoryAssertions.TYPE.matcher("a--b").matches()).isFalse();
        assertThat(PluginFactoryAssertions.TYPE.matcher("sink-").matches()).isFalse();
    }

    @Test
    void registrationIsFoundOrTheRegisteredTypesAreNamed() {
        assertThat(PluginFactoryAssertions.assertRegistered(SinkFactory.class, "memory", getClass().getClassLoader()))
                .isInstanceOf(MemorySinkFactory.class);
        assertThatThrownBy(() -> PluginFactoryAssertions.assertRegistered(SinkFactory.class, "redis",
                getClass().getClassLoader()))
                .hasMessageContaining("of type 'redis'").hasMessageContaining("memory (" + MemorySinkFactory.class.getName());
    }
}
