package dev.cdc.core.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.cdc.testkit.arch.ArchitectureRules;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The architecture rules that apply to cdc-core, checked on its main classes. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = ArchitectureRules.importMainClasses("dev.cdc.core");

    @TestFactory
    Stream<DynamicTest> rules() {
        return ArchitectureRules.tests(CLASSES, ArchitectureRules.plus(ArchitectureRules.common(),
                ArchitectureRules.coreDoesNotDependOnPlugins(), ArchitectureRules.corePackagesHaveNoCycles()));
    }

    @Test
    void theModuleHasClassesToCheck() {
        assertThat(CLASSES.size()).as("main classes of dev.cdc.core").isGreaterThan(0);
    }
}
