package dev.cdc.testkit.arch;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.PackageMatchers;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.DynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.members;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The architecture of cdc as ArchUnit rules, each with a "because ... do this instead" message.
 * A module's {@code ArchitectureTest} imports its own main classes with {@link #importMainClasses}
 * and checks the rules that apply. Every rule allows an empty selection, so a module whose code
 * has not landed yet passes and is checked as soon as it has.
 *
 * <p>The module arrows (see DESIGN.md): cdc-api depends on the JDK only; cdc-format on the API
 * and jackson-core; cdc-schema on the API and Jackson; plugins on the API (and format, schema),
 * never on the engine, the launcher or each other; nothing but the launcher on the launcher.
 * Thread-safe; rules are immutable.
 */
public final class ArchitectureRules {

    /** The SPI factory interface every plugin factory implements. */
    static final String PLUGIN_FACTORY = "dev.cdc.api.spi.PluginFactory";

    /** Where plugins live: {@code dev.cdc.source.<name>}, {@code dev.cdc.sink.<name>}, and the built-ins' {@code dev.cdc.plugins}. */
    private static final String[] PLUGIN_PACKAGES = {"dev.cdc.source..", "dev.cdc.sink..", "dev.cdc.plugins.."};
    private static final String[] JDK = {"java..", "javax.annotation..", "org.jspecify.."};
    private static final String[] LIBRARIES_OUTSIDE_THE_API = {"com.google.common..", "com.fasterxml.jackson..",
        "org.yaml.snakeyaml.."};

    private ArchitectureRules() {
    }

    /** The main (not test) classes of the packages, from the module's classpath. */
    public static JavaClasses importMainClasses(String... packages) {
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(packages);
    }

    /** cdc-api depends on the JDK only (and, at most, a nullness-annotation library). */
    public static ArchRule apiDependsOnTheJdkOnly() {
        return classes().that().resideInAPackage("dev.cdc.api..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(with(JDK, "dev.cdc.api.."))
                .because("cdc-api is the contract every plugin compiles against: a library in it forces its version"
                        + " on every plugin. Keep the type in the module that needs it, or define a plain Java type"
                        + " in cdc-api instead")
                .allowEmptyShould(true);
    }

    /** No Guava, Jackson or SnakeYAML type in a public signature of cdc-api. */
    public static ArchRule apiSignaturesUseNoLibraryTypes() {
        return members().that().areDeclaredInClassesThat().resideInAPackage("dev.cdc.api..")
                .and().arePublic()
                .should(notInvolveTypesIn(LIBRARIES_OUTSIDE_THE_API))
                .because("a library type in an SPI signature leaks the library into every plugin; use JDK types"
                        + " (List, Map, Optional, Instant) or a cdc-api record instead")
                .allowEmptyShould(true);
    }

    /** cdc-format depends on the API and jackson-core only. */
    public static ArchRule formatDependsOnTheApiAndJacksonCoreOnly() {
        return classes().that().resideInAPackage("dev.cdc.format..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage(with(JDK, "dev.cdc.api..", "dev.cdc.format..", "com.fasterxml.jackson.core.."))
                .because("cdc-format is shared by every sink that writes the JSON envelope and must stay small:"
                        + " stream JSON with jackson-core's JsonGenerator/JsonParser instead of databind, and keep"
                        + " engine concerns in cdc-core")
                .allowEmptyShould(true);
    }

    /** cdc-schema depends on the API and Jackson only. */
    public static ArchRule schemaDependsOnTheApiAndJacksonOnly() {
        return classes().that().resideInAPackage("dev.cdc.schema..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage(with(JDK, "dev.cdc.api..", "dev.cdc.schema..", "com.fasterxml.jackson.."))
                .because("plugins may use cdc-schema, so it must not pull in the engine or other libraries;"
                        + " put engine-side schema handling in cdc-core instead")
                .allowEmptyShould(true);
    }

    /** Plugins depend on neither the engine nor the launcher. */
    public static ArchRule pluginsDoNotDependOnTheEngine() {
        return noClasses().that().resideInAnyPackage(PLUGIN_PACKAGES)
                .should().dependOnClassesThat().resideInAnyPackage("dev.cdc.core..", "dev.cdc.launcher..")
                .because("a plugin is built against cdc-api alone so it runs in any engine version and can be"
                        + " embedded elsewhere; ask for what you need through PluginContext (add a default method"
                        + " there) instead of reaching into cdc-core")
                .allowEmptyShould(true);
    }

    /** A plugin never depends on another plugin. */
    public static ArchRule pluginsDoNotDependOnEachOther() {
        return classes().that().resideInAnyPackage(PLUGIN_PACKAGES)
                .should(dependOnNoOtherPlugin())
                .because("plugins are installed and versioned independently; move shared code to cdc-api,"
                        + " cdc-format or cdc-schema instead")
                .allowEmptyShould(true);
    }

    /** The engine does not depend on any plugin. */
    public static ArchRule coreDoesNotDependOnPlugins() {
        return noClasses().that().resideInAPackage("dev.cdc.core..")
                .should().dependOnClassesThat().resideInAnyPackage(with(PLUGIN_PACKAGES, "dev.cdc.launcher.."))
                .because("the engine finds plugins through ServiceLoader and the SPI; a direct dependency would"
                        + " make a plugin impossible to leave out. Program against dev.cdc.api.spi instead")
                .allowEmptyShould(true);
    }

    /** The engine's packages depend on each other without cycles. */
    public static ArchRule corePackagesHaveNoCycles() {
        return slices().matching("dev.cdc.core.(*)..").should().beFreeOfCycles()
                .because("a cycle between two packages makes them one piece that can only be read, tested and"
                        + " changed together; move the shared records down into a package both use (as the spec"
                        + " records live in dev.cdc.core.spec) instead")
                .allowEmptyShould(true);
    }

    /** Only the launcher depends on the launcher. */
    public static ArchRule onlyTheLauncherDependsOnTheLauncher() {
        return noClasses().that().resideOutsideOfPackage("dev.cdc.launcher..")
                .should().dependOnClassesThat().resideInAPackage("dev.cdc.launcher..")
                .because("the launcher is the outermost layer (CLI, distribution); move what others need into"
                        + " cdc-core or cdc-api instead")
                .allowEmptyShould(true);
    }

    /** No package named util, utils, helper, helpers, manager, managers, common or misc. */
    public static ArchRule noGrabBagPackages() {
        return noClasses().should().resideInAnyPackage("..util..", "..utils..", "..helper..", "..helpers..",
                        "..manager..", "..managers..", "..common..", "..misc..")
                .because("a grab-bag package says nothing about what is in it; name the package after the concept"
                        + " (checkpoint, snapshot, decoding, envelope) instead")
                .allowEmptyShould(true);
    }

    /** No class named {@code *Util}, {@code *Utils}, {@code *Helper} or {@code *Manager}. */
    public static ArchRule noGrabBagClassNames() {
        return noClasses().should().haveSimpleNameEndingWith("Util")
                .orShould().haveSimpleNameEndingWith("Utils")
                .orShould().haveSimpleNameEndingWith("Helper")
                .orShould().haveSimpleNameEndingWith("Manager")
                .because("a name that says nothing invites unrelated code; name the class after what it does"
                        + " (SlotReader, CheckpointCoordinator) instead")
                .allowEmptyShould(true);
    }

    /** Plugin factories can be instantiated by ServiceLoader: public, with a public no-arg constructor. */
    public static ArchRule factoriesAreInstantiableByServiceLoader() {
        return classes().that().areAssignableTo(PLUGIN_FACTORY)
                .and().areNotInterfaces()
                .and().doNotHaveModifier(JavaModifier.ABSTRACT)
                .and().haveSimpleNameEndingWith("Factory")
                .should().bePublic()
                .andShould(haveAPublicNoArgConstructor())
                .because("ServiceLoader instantiates factories listed in META-INF/services through a public no-arg"
                        + " constructor; make the class public (top-level or static nested) and take what it needs"
                        + " from PluginContext in create() instead of constructor arguments")
                .allowEmptyShould(true);
    }

    /** The rules every module checks on its own classes. */
    public static List<ArchRule> common() {
        return List.of(onlyTheLauncherDependsOnTheLauncher(), noGrabBagPackages(), noGrabBagClassNames(),
                factoriesAreInstantiableByServiceLoader());
    }

    /** The common rules plus those for a source or sink plugin. */
    public static List<ArchRule> forPlugins() {
        return plus(common(), pluginsDoNotDependOnTheEngine(), pluginsDoNotDependOnEachOther());
    }

    /**
     * One JUnit test per rule, named by the rule, for a module's {@code @TestFactory}:
     * <pre>{@code
     * @TestFactory
     * Stream<DynamicTest> rules() {
     *     return ArchitectureRules.tests(ArchitectureRules.importMainClasses("dev.cdc.sink.redis"),
     *             ArchitectureRules.forPlugins());
     * }
     * }</pre>
     */
    public static Stream<DynamicTest> tests(JavaClasses classes, List<ArchRule> rules) {
        return rules.stream().map(rule -> DynamicTest.dynamicTest(rule.getDescription(), () -> rule.check(classes)));
    }

    /** {@code first} followed by {@code more}. */
    public static List<ArchRule> plus(List<ArchRule> first, ArchRule... more) {
        List<ArchRule> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return List.copyOf(all);
    }

    // ---------------------------------------------------------------- conditions

    private static ArchCondition<JavaMember> notInvolveTypesIn(String[] packages) {
        return new ArchCondition<>("not involve types of " + String.join(", ", packages)) {
            @Override
            public void check(JavaMember member, ConditionEvents events) {
                PackageMatchers forbidden = PackageMatchers.of(packages);
                for (JavaClass type : member.getAllInvolvedRawTypes()) {
                    if (forbidden.test(type.getPackageName())) {
                        events.add(SimpleConditionEvent.violated(member, member.getFullName() + " uses "
                                + type.getName() + " in its signature"));
                    }
                }
            }
        };
    }

    private static ArchCondition<JavaClass> dependOnNoOtherPlugin() {
        return new ArchCondition<>("depend on no other plugin") {
            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                String own = pluginRoot(javaClass.getPackageName());
                for (Dependency d : javaClass.getDirectDependenciesFromSelf()) {
                    String target = pluginRoot(d.getTargetClass().getPackageName());
                    if (!target.isEmpty() && !target.equals(own)) {
                        events.add(SimpleConditionEvent.violated(d, d.getDescription() + " (plugin " + own
                                + " depends on plugin " + target + ")"));
                    }
                }
            }
        };
    }

    /**
     * {@code dev.cdc.sink.redis} for any package in it, {@code dev.cdc.plugins} for the built-ins (one
     * module); empty for a package outside every plugin.
     */
    static String pluginRoot(String packageName) {
        String[] parts = packageName.split("\\.");
        if (parts.length >= 3 && parts[0].equals("dev") && parts[1].equals("cdc") && parts[2].equals("plugins")) {
            return "dev.cdc.plugins";
        }
        if (parts.length >= 4 && parts[0].equals("dev") && parts[1].equals("cdc")
                && (parts[2].equals("source") || parts[2].equals("sink"))) {
            return String.join(".", parts[0], parts[1], parts[2], parts[3]);
        }
        return "";
    }

    private static ArchCondition<JavaClass> haveAPublicNoArgConstructor() {
        return new ArchCondition<>("have a public no-arg constructor") {
            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                boolean ok = javaClass.getConstructors().stream()
                        .anyMatch(c -> c.getModifiers().contains(JavaModifier.PUBLIC) && c.getRawParameterTypes().isEmpty());
                if (!ok) {
                    events.add(SimpleConditionEvent.violated(javaClass, javaClass.getName()
                            + " has no public no-arg constructor (constructors: "
                            + javaClass.getConstructors().stream().map(JavaConstructor::getFullName).toList() + ")"));
                }
            }
        };
    }

    private static String[] with(String[] base, String... more) {
        String[] out = new String[base.length + more.length];
        System.arraycopy(base, 0, out, 0, base.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }
}
