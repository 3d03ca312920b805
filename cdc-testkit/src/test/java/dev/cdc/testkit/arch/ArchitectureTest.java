package dev.cdc.testkit.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/** The testkit's own main classes follow the common rules. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = ArchitectureRules.importMainClasses("dev.cdc.testkit");

    @Test
    void testkitFollowsTheCommonRules() {
        assertThat(CLASSES.size()).isGreaterThan(10);
        for (ArchRule rule : ArchitectureRules.common()) {
            rule.check(CLASSES);
        }
    }

    @Test
    void testkitDependsOnNoEngineOrPlugin() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.cdc.core..", "dev.cdc.launcher..",
                        "dev.cdc.source..", "dev.cdc.sink..", "dev.cdc.format..", "dev.cdc.schema..")
                .because("every plugin's tests use the testkit; it must build on cdc-api alone, or a plugin's"
                        + " tests would pull in the engine")
                .check(CLASSES);
    }
}
