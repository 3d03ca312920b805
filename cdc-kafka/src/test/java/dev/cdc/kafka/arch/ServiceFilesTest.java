package dev.cdc.kafka.arch;

import dev.cdc.testkit.arch.ServiceFiles;
import org.junit.jupiter.api.Test;

/**
 * Every {@code META-INF/services/dev.cdc.api.spi.*} entry on cdc-kafka's classpath names a public
 * factory with a public no-arg constructor and a unique lower-case type (ArchUnit cannot see these files).
 */
class ServiceFilesTest {

    @Test
    void serviceFilesNameInstantiableFactoriesWithUniqueTypes() {
        ServiceFiles.assertValid(getClass().getClassLoader());
    }
}
