package org.rlhf4j.rules;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The module rules (docs/architecture.md, "Modules") on the compiled classes: the main and the test code of each module
 * may use, of our modules, only those the table below allows. The enforcer execution {@code module-rules} in
 * each pom checks the same table on the declared dependencies; this test reads what the code really references
 * (a runtime-scope jar is on test code's class path, for one).
 *
 * <p>It reads every module's {@code target/classes} and {@code target/test-classes}, so it lives in samples,
 * the module the reactor builds after all the others. Run it alone (every module compiled, no other test) with
 * {@code mvn -B -q verify -Dtest=TestModuleRules -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class TestModuleRules {

    /** A module of ours: its folder and the packages its classes live in. */
    enum Module {
        API("rlhf-api", "org.rlhf4j.api.."),
        TASKS("rlhf-tasks", "org.rlhf4j.tasks.."),
        ENGINE("rlhf-engine", "org.rlhf4j.engine.."),
        ALGORITHMS("rlhf-algorithms", "org.rlhf4j.algorithms.."),
        EXPERIMENT("rlhf-experiment", "org.rlhf4j.experiment..", "org.rlhf4j.bench.."),
        HUMAN("rlhf-feedback-human", "org.rlhf4j.feedback.human.."),
        GAN("rlhf-feedback-gan", "org.rlhf4j.feedback.gan.."),
        AI("rlhf-feedback-ai", "org.rlhf4j.feedback.ai.."),
        EXAMPLE_PLUGIN("samples/example-plugin", "org.example.keywords..", "org.example.lengthjudge.."),
        EXAMPLE_ALGORITHM("samples/example-algorithm", "org.example.hinge.."),
        SAMPLES("samples", "org.rlhf4j.cli..", "org.rlhf4j.report..", "org.rlhf4j.rules..");

        final String dir;
        final List<String> packages;

        Module(String dir, String... packages) {
            this.dir = dir;
            this.packages = List.of(packages);
        }
    }

    enum Code {
        MAIN("main", "classes"),
        TEST("test", "test-classes");

        final String sourceSet;
        final String outputDir;

        Code(String sourceSet, String outputDir) {
            this.sourceSet = sourceSet;
            this.outputDir = outputDir;
        }
    }

    /** One line of the table: what {@code code} of {@code module} may use besides itself, and why. */
    record Rule(Module module, Code code, Set<Module> mayUse, String why) {}

    static final String NEVER_FEEDBACK = "one feedback module never depends on another";

    /** What each module may use ("may depend on"; the "Never:" line). Nothing uses samples or the example plugin. */
    static final List<Rule> RULES = List.of(
            new Rule(Module.API, Code.MAIN, Set.of(), "rlhf-api depends on nothing of ours"),
            new Rule(Module.API, Code.TEST, Set.of(), "rlhf-api depends on nothing of ours"),
            new Rule(Module.TASKS, Code.MAIN, Set.of(Module.API), "rlhf-tasks depends on rlhf-api"),
            new Rule(Module.TASKS, Code.TEST, Set.of(Module.API), "rlhf-tasks depends on rlhf-api"),
            new Rule(Module.ENGINE, Code.MAIN, Set.of(Module.API), "the engine never uses the algorithms, the runner or a feedback module"),
            new Rule(Module.ENGINE, Code.TEST, Set.of(Module.API), "the engine never uses the algorithms, the runner or a feedback module"),
            new Rule(Module.ALGORITHMS, Code.MAIN, Set.of(Module.API, Module.ENGINE),
                    "rlhf-algorithms never uses a feedback module, the runner or samples"),
            new Rule(Module.ALGORITHMS, Code.TEST, Set.of(Module.API, Module.ENGINE),
                    "rlhf-algorithms never uses a feedback module, the runner or samples"),
            new Rule(Module.EXPERIMENT, Code.MAIN, Set.of(Module.API, Module.ENGINE, Module.ALGORITHMS),
                    "the runner never uses a feedback module or samples, and rlhf-tasks for tests only"),
            new Rule(Module.EXPERIMENT, Code.TEST, Set.of(Module.API, Module.ENGINE, Module.ALGORITHMS, Module.TASKS),
                    "the runner never uses a feedback module or samples"),
            new Rule(Module.HUMAN, Code.MAIN, Set.of(Module.API), NEVER_FEEDBACK),
            new Rule(Module.HUMAN, Code.TEST, Set.of(Module.API), NEVER_FEEDBACK),
            new Rule(Module.GAN, Code.MAIN, Set.of(Module.API, Module.ENGINE), NEVER_FEEDBACK + "; the discriminator needs only the engine"),
            new Rule(Module.GAN, Code.TEST, Set.of(Module.API, Module.ENGINE), NEVER_FEEDBACK + "; the discriminator needs only the engine"),
            new Rule(Module.AI, Code.MAIN, Set.of(Module.API), NEVER_FEEDBACK),
            new Rule(Module.AI, Code.TEST, Set.of(Module.API), NEVER_FEEDBACK),
            new Rule(Module.EXAMPLE_PLUGIN, Code.MAIN, Set.of(Module.API), "a third-party plugin sees rlhf-api only"),
            new Rule(Module.EXAMPLE_PLUGIN, Code.TEST, Set.of(Module.API), "a third-party plugin sees rlhf-api only"),
            new Rule(Module.EXAMPLE_ALGORITHM, Code.MAIN, Set.of(Module.API, Module.ALGORITHMS),
                    "a third-party algorithm sees the algorithm SPI (rlhf-algorithms) and rlhf-api"),
            new Rule(Module.EXAMPLE_ALGORITHM, Code.TEST, Set.of(Module.API, Module.ALGORITHMS),
                    "a third-party algorithm sees the algorithm SPI (rlhf-algorithms) and rlhf-api"),
            new Rule(Module.SAMPLES, Code.MAIN, Set.of(Module.API, Module.TASKS, Module.ENGINE, Module.ALGORITHMS, Module.EXPERIMENT),
                    "samples has the feedback modules at runtime scope only: the CLI finds them by plugin type"),
            new Rule(Module.SAMPLES, Code.TEST,
                    Set.of(Module.API, Module.TASKS, Module.ENGINE, Module.ALGORITHMS, Module.EXPERIMENT, Module.HUMAN, Module.GAN,
                            Module.AI),
                    "the example plugin is loaded from a folder, as a user would"));

    /** What rlhf-api's main code may use outside itself: the JDK, Guice, Jackson and slf4j-api (no DL4J). */
    static final String[] API_LIBRARIES = {
        "java..", "javax..", "com.google.inject..", "jakarta.inject..", "com.fasterxml.jackson..", "org.slf4j.."
    };

    static Path root;

    @BeforeAll
    static void locateTheReactor() {
        // only our classes are imported; a referenced class is known by its name, which is all a rule needs
        ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
        root = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().getParent();
    }

    @TestFactory
    Stream<DynamicTest> eachModuleUsesOnlyTheModulesItMay() {
        return RULES.stream().map(rule -> DynamicTest.dynamicTest(
                rule.module().dir + " " + rule.code().sourceSet + " code", () -> check(rule)));
    }

    private static void check(Rule rule) {
        JavaClasses classes = importClasses(rule.module(), rule.code());
        if (classes.isEmpty()) {
            return;
        }
        List<String> forbidden = new ArrayList<>();
        for (Module other : Module.values()) {
            if (other != rule.module() && !rule.mayUse().contains(other)) {
                forbidden.addAll(other.packages);
            }
        }
        String owners = rule.mayUse().stream().map(m -> m.dir).sorted().collect(Collectors.joining(", "));
        noClasses().should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                .as(rule.module().dir + " " + rule.code().sourceSet + " code may use, of our modules, "
                        + (owners.isEmpty() ? "none" : "only " + owners)
                        + " (docs/architecture.md, Modules: " + rule.why() + ")")
                .check(classes);
        classes().should().resideInAnyPackage(rule.module().packages.toArray(String[]::new))
                .as(rule.module().dir + " " + rule.code().sourceSet + " code lives in "
                        + String.join(", ", rule.module().packages)
                        + " (add a new package to TestModuleRules.Module, or these rules cannot see it)")
                .check(classes);
    }

    @Test
    void rlhfApiUsesOnlyGuiceJacksonAndSlf4j() {
        List<String> allowed = new ArrayList<>(List.of(API_LIBRARIES));
        allowed.addAll(Module.API.packages);
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(allowed.toArray(String[]::new))
                .as("rlhf-api main code uses only the JDK, Guice, Jackson and slf4j-api (docs/architecture.md, Modules: no DL4J)")
                .check(importClasses(Module.API, Code.MAIN));
    }

    @Test
    void everyModuleOfTheReactorHasRules() throws IOException {
        Set<String> inReactor = new LinkedHashSet<>();
        collectModules(root, "", inReactor);
        Set<String> withRules = EnumSet.allOf(Module.class).stream().map(m -> m.dir)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        assertEquals(withRules, inReactor, "the modules of the reactor (pom.xml) and of TestModuleRules.Module");
        for (Module module : Module.values()) {
            for (Code code : Code.values()) {
                assertTrue(RULES.stream().anyMatch(r -> r.module() == module && r.code() == code),
                        "no rule for " + module.dir + " " + code.sourceSet + " code");
            }
        }
    }

    private static final Pattern MODULE = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>");

    private static void collectModules(Path dir, String prefix, Set<String> into) throws IOException {
        Matcher m = MODULE.matcher(Files.readString(dir.resolve("pom.xml")));
        while (m.find()) {
            String name = prefix + m.group(1);
            into.add(name);
            collectModules(root.resolve(name), name + "/", into);
        }
    }

    /**
     * The compiled classes of one module's main or test code. A module with sources but no classes has not
     * been built in this reactor: that is an error, not an empty (and so passing) check.
     */
    static JavaClasses importClasses(Module module, Code code) {
        Path sources = root.resolve(module.dir).resolve("src").resolve(code.sourceSet).resolve("java");
        Path output = root.resolve(module.dir).resolve("target").resolve(code.outputDir);
        if (!Files.isDirectory(sources)) {
            return new ClassFileImporter().importPaths(List.of());
        }
        assertTrue(Files.isDirectory(output), output + " is missing: the module rules read every module's"
                + " compiled classes, so build them in the same run (mvn -B verify at the root)");
        return new ClassFileImporter().importPath(output);
    }
}
