package dev.cdc.kafka.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.cdc.testkit.arch.ArchitectureRules;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/** The architecture rules that apply to cdc-kafka, checked on its main classes. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = ArchitectureRules.importMainClasses("dev.cdc.kafka");

    @TestFactory
    Stream<DynamicTest> rules() {
        return ArchitectureRules.tests(CLASSES, ArchitectureRules.forPlugins());
    }
}
