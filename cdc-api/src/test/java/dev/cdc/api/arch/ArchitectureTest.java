package dev.cdc.api.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * cdc-api's architecture. The shared rules live in cdc-testkit's {@code ArchitectureRules}, but
 * the testkit depends on cdc-api, so this module states its own rules with ArchUnit directly.
 */
class ArchitectureTest {

    private static final JavaClasses API = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.cdc.api");

    @Test
    void theModuleHasClassesToCheck() {
        assertThat(API.size()).isGreaterThan(30);
    }

    @Test
    void apiDependsOnTheJdkOnly() {
        classes().should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "javax.annotation..", "org.jspecify..", "dev.cdc.api..")
                .because("cdc-api is the contract every plugin compiles against: a library in it forces its version"
                        + " on every plugin. Keep the type in the module that needs it, or define a plain Java type"
                        + " in cdc-api instead")
                .check(API);
    }

    @Test
    void apiSignaturesUseNoGuavaJacksonOrSnakeYaml() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("com.google.common..", "com.fasterxml.jackson..", "org.yaml.snakeyaml..")
                .because("a library type in an SPI signature leaks the library into every plugin; use JDK types"
                        + " (List, Map, Optional, Instant) or a cdc-api record instead")
                .check(API);
    }

    @Test
    void apiDependsOnNoOtherModule() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("dev.cdc.core..", "dev.cdc.launcher..", "dev.cdc.source..", "dev.cdc.sink..",
                        "dev.cdc.format..", "dev.cdc.schema..", "dev.cdc.testkit..")
                .because("every other module depends on cdc-api, never the other way round; move the type into"
                        + " cdc-api or invert the dependency with an SPI interface instead")
                .check(API);
    }

    @Test
    void noGrabBagPackages() {
        noClasses().should().resideInAnyPackage("..util..", "..utils..", "..helper..", "..helpers..", "..manager..",
                        "..managers..", "..common..", "..misc..")
                .because("a grab-bag package says nothing about what is in it; name the package after the concept"
                        + " (event, schema, config, spi) instead")
                .check(API);
    }
}
