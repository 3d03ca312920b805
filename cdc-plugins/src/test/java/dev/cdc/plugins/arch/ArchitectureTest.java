package dev.cdc.plugins.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.cdc.testkit.arch.ArchitectureRules;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-ins are held to the rules of every plugin: cdc-api (and format, schema), never the engine. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = ArchitectureRules.importMainClasses("dev.cdc.plugins");

    @TestFactory
    Stream<DynamicTest> rules() {
        return ArchitectureRules.tests(CLASSES, ArchitectureRules.forPlugins());
    }

    @Test
    void theModuleHasClassesToCheck() {
        assertThat(CLASSES.size()).as("main classes of dev.cdc.plugins").isGreaterThan(0);
    }
}
