package dev.cdc.testkit.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules pass on the real cdc-api and catch deliberately broken sample classes. */
class ArchitectureRulesTest {

    private static final JavaClasses API = new ClassFileImporter().importPackages("dev.cdc.api.event",
            "dev.cdc.api.spi", "dev.cdc.api.config", "dev.cdc.api.schema", "dev.cdc.api.error");
    private static final JavaClasses SAMPLES = new ClassFileImporter().importPackages("dev.cdc.sink.archsample",
            "dev.cdc.source.archsample", "dev.cdc.launcher.archsample", "dev.cdc.api.archsample",
            "dev.cdc.testkit.arch.samples");

    @Test
    void theRealApiPassesTheApiRules() {
        assertThat(API.size()).isGreaterThan(30);
        ArchitectureRules.apiDependsOnTheJdkOnly().check(API);
        ArchitectureRules.apiSignaturesUseNoLibraryTypes().check(API);
        ArchitectureRules.common().forEach(rule -> rule.check(API));
    }

    @Test
    void aLibraryTypeInTheApiIsCaught() {
        assertViolation(ArchitectureRules.apiDependsOnTheJdkOnly(), "LeakyApi", "org.junit.jupiter.api.TestInfo",
                "because cdc-api is the contract");
    }

    @Test
    void aPluginDependingOnAnotherPluginIsCaught() {
        assertViolation(ArchitectureRules.pluginsDoNotDependOnEachOther(), "SampleSink",
                "plugin dev.cdc.sink.archsample depends on plugin dev.cdc.source.archsample", "move shared code");
    }

    @Test
    void aDependencyOnTheLauncherIsCaught() {
        assertViolation(ArchitectureRules.onlyTheLauncherDependsOnTheLauncher(), "SampleSink", "SampleMain",
                "outermost layer");
        assertViolation(ArchitectureRules.pluginsDoNotDependOnTheEngine(), "SampleSink", "SampleMain",
                "PluginContext");
    }

    @Test
    void grabBagNamesAreCaught() {
        assertViolation(ArchitectureRules.noGrabBagPackages(), "StringUtil", "samples.util", "name the package");
        assertViolation(ArchitectureRules.noGrabBagClassNames(), "StringUtil", "Util", "name the class");
    }

    @Test
    void aFactoryServiceLoaderCannotInstantiateIsCaught() {
        assertViolation(ArchitectureRules.factoriesAreInstantiableByServiceLoader(), "HiddenSinkFactory",
                "no public no-arg constructor", "public no-arg");
        EvaluationResult result = ArchitectureRules.factoriesAreInstantiableByServiceLoader().evaluate(SAMPLES);
        assertThat(result.getFailureReport().getDetails()).anyMatch(d -> d.contains("HiddenSinkFactory")
                && d.contains("public"));
    }

    @Test
    void rulesAllowAnEmptyModule() {
        JavaClasses none = new ClassFileImporter().importPackages("dev.cdc.nothing.here");
        ArchitectureRules.forPlugins().forEach(rule -> rule.check(none));
        ArchitectureRules.formatDependsOnTheApiAndJacksonCoreOnly().check(none);
        ArchitectureRules.schemaDependsOnTheApiAndJacksonOnly().check(none);
        ArchitectureRules.coreDoesNotDependOnPlugins().check(none);
    }

    @Test
    void pluginRootIsTheFirstFourPackageNames() {
        assertThat(ArchitectureRules.pluginRoot("dev.cdc.sink.redis.encoding")).isEqualTo("dev.cdc.sink.redis");
        assertThat(ArchitectureRules.pluginRoot("dev.cdc.source.postgres")).isEqualTo("dev.cdc.source.postgres");
        assertThat(ArchitectureRules.pluginRoot("dev.cdc.core.runtime")).isEmpty();
        assertThat(ArchitectureRules.pluginRoot("dev.cdc.plugins.sink")).as("the built-ins are one plugin module")
                .isEqualTo(ArchitectureRules.pluginRoot("dev.cdc.plugins.generator")).isEqualTo("dev.cdc.plugins");
        assertThat(ArchitectureRules.pluginRoot("dev.cdc.sink")).isEmpty();
    }

    private static void assertViolation(ArchRule rule, String... fragments) {
        EvaluationResult result = rule.evaluate(SAMPLES);
        assertThat(result.hasViolation()).as("%s has a violation among the samples", rule.getDescription()).isTrue();
        String report = result.getFailureReport().toString();
        for (String f : fragments) {
            assertThat(report).contains(f);
        }
    }
}
