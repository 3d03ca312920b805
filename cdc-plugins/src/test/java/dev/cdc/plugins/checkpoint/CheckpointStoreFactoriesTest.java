package dev.cdc.plugins.checkpoint;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.spi.CheckpointStore;
import dev.cdc.api.spi.CheckpointStoreFactory;
import dev.cdc.api.spi.PluginContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointStoreFactoriesTest {

    private static Map<String, CheckpointStoreFactory> byType() {
        return ServiceLoader.load(CheckpointStoreFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.getClass().getPackageName().equals("dev.cdc.plugins.checkpoint"))
                .collect(Collectors.toMap(CheckpointStoreFactory::type, Function.identity()));
    }

    private static CheckpointStore create(CheckpointStoreFactory f, Map<String, ?> options) {
        return f.create(PluginContext.of(Configuration.of(f.options(), options), "orders", "checkpoint"));
    }

    @Test
    void serviceLoaderFindsFileAndMemory() {
        Map<String, CheckpointStoreFactory> factories = byType();

        assertThat(factories).containsOnlyKeys("file", "memory");
        factories.values().forEach(f -> assertThat(f.description()).isNotBlank());
        assertThat(new FileCheckpointStoreFactory().options()).extracting(ConfigOption::key).containsExactly("path");
        assertThat(new FileCheckpointStoreFactory().requiredOptions()).hasSize(1);
        assertThat(new MemoryCheckpointStoreFactory().options()).isEmpty();
    }

    @Test
    void eachIsCreatedFromMinimalOptionsAndDescribesItself(@TempDir Path dir) throws Exception {
        CheckpointStore file = create(byType().get("file"), Map.of("path", dir.toString()));
        CheckpointStore memory = create(byType().get("memory"), Map.of());

        assertThat(file.describe()).isEqualTo("file " + dir.resolve("checkpoint.json").toAbsolutePath());
        assertThat(memory.describe()).isEqualTo("memory (lost on exit)");
        assertThat(file.load()).isEmpty();
        assertThat(memory.load()).isEmpty();
        file.close();
        file.close();
        memory.close();
    }

    @Test
    void fileNeedsAPath() {
        assertThatThrownBy(() -> create(new FileCheckpointStoreFactory(), Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("path");
        assertThatThrownBy(() -> create(new FileCheckpointStoreFactory(), Map.of("path", " ")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("path");
    }
}
