package dev.cdc.format;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

@AnalyzeClasses(packages = "dev.cdc.format", importOptions = ImportOption.DoNotIncludeTests.class)
class FormatArchitectureTest {

    @ArchTest
    static final ArchRule streamingOnly = noClasses().should().dependOnClassesThat()
            .resideInAPackage("com.fasterxml.jackson.databind..")
            .because("the envelope is written with jackson-core's streaming generator for speed and a small "
                    + "footprint; write fields with JsonGenerator instead of ObjectMapper");
}
