package dev.cdc.sink.jdbc.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.cdc.testkit.arch.ArchitectureRules;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/** The architecture rules that apply to cdc-sink-jdbc, checked on its main classes. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = ArchitectureRules.importMainClasses("dev.cdc.sink.jdbc");

    @TestFactory
    Stream<DynamicTest> rules() {
        return ArchitectureRules.tests(CLASSES, ArchitectureRules.forPlugins());
    }
}
