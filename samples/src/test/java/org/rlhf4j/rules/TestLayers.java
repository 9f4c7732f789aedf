package org.rlhf4j.rules;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rlhf4j.rules.TestModuleRules.Code;
import org.rlhf4j.rules.TestModuleRules.Module;

/**
 * The layers inside the modules (docs/architecture.md, "Layers"), on the compiled main classes, beside the module rules
 * of {@link TestModuleRules}: each module's packages form layers that use only the layers below them, and no two
 * packages of a module depend on each other both ways.
 */
class TestLayers {

    @BeforeAll
    static void locateTheReactor() {
        TestModuleRules.locateTheReactor();
    }

    private static JavaClasses main(Module module) {
        return TestModuleRules.importClasses(module, Code.MAIN);
    }

    @Test
    void theEngineIsLayered() {
        JavaClasses engine = main(Module.ENGINE);
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("foundation").definedBy("org.rlhf4j.engine.random..", "org.rlhf4j.engine.math..",
                        "org.rlhf4j.engine.tokenizer..", "org.rlhf4j.engine.checkpoint..")
                .layer("model").definedBy("org.rlhf4j.engine.model..")
                .layer("optimizer").definedBy("org.rlhf4j.engine.optim..")
                .layer("training").definedBy("org.rlhf4j.engine.train..")
                .layer("generation").definedBy("org.rlhf4j.engine.generation..")
                .layer("sft").definedBy("org.rlhf4j.engine.sft..")
                .layer("huggingface").definedBy("org.rlhf4j.engine.hf..")
                .whereLayer("sft").mayNotBeAccessedByAnyLayer()
                .whereLayer("huggingface").mayNotBeAccessedByAnyLayer()
                .whereLayer("training").mayOnlyBeAccessedByLayers("sft")
                .whereLayer("generation").mayOnlyBeAccessedByLayers("sft")
                .whereLayer("optimizer").mayOnlyBeAccessedByLayers("training", "sft")
                .whereLayer("model").mayOnlyBeAccessedByLayers("optimizer", "training", "generation", "sft", "huggingface")
                .because("the model knows nothing of its optimizer, the training loop or generation (docs/architecture.md, Layers)")
                .check(engine);
        slices().matching("org.rlhf4j.engine.(*)..").should().beFreeOfCycles().check(engine);
    }

    @Test
    void theAlgorithmsAreLayeredAndTheLossesArePureFunctions() {
        JavaClasses algorithms = main(Module.ALGORITHMS);
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("losses").definedBy("org.rlhf4j.algorithms.loss..")
                .layer("data and seam").definedBy("org.rlhf4j.algorithms.preference..", "org.rlhf4j.algorithms.reward..",
                        "org.rlhf4j.algorithms.rollout..")
                .layer("reward models").definedBy("org.rlhf4j.algorithms.rewardmodel..")
                .layer("spi").definedBy("org.rlhf4j.algorithms.spi..")
                .layer("direct").definedBy("org.rlhf4j.algorithms.direct..")
                .layer("algorithms").definedBy("org.rlhf4j.algorithms.dpo..", "org.rlhf4j.algorithms.kto..",
                        "org.rlhf4j.algorithms.simpo..", "org.rlhf4j.algorithms.orpo..", "org.rlhf4j.algorithms.onlinedpo..",
                        "org.rlhf4j.algorithms.ppo..", "org.rlhf4j.algorithms.grpo..")
                .layer("registration").definedBy("org.rlhf4j.algorithms")
                .whereLayer("registration").mayNotBeAccessedByAnyLayer()
                .whereLayer("algorithms").mayOnlyBeAccessedByLayers("registration")
                .whereLayer("direct").mayOnlyBeAccessedByLayers("algorithms")
                .whereLayer("spi").mayOnlyBeAccessedByLayers("direct", "algorithms")
                .whereLayer("reward models").mayNotBeAccessedByAnyLayer()
                .whereLayer("data and seam").mayOnlyBeAccessedByLayers("reward models", "spi", "direct", "algorithms")
                .because("the SPI and the seam never know a concrete algorithm (docs/architecture.md, Layers)")
                .check(algorithms);
        slices().matching("org.rlhf4j.algorithms.(*)..").should().beFreeOfCycles().check(algorithms);
        classes().that().resideInAPackage("org.rlhf4j.algorithms.loss..").should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "org.rlhf4j.algorithms.loss..", "org.rlhf4j.engine.math..")
                .because("a loss is a pure function of numbers: no model, no ND4J, no I/O (docs/architecture.md, Layers)")
                .check(algorithms);
    }

    @Test
    void theRunnerIsLayeredAndTheBenchStandsBesideIt() {
        JavaClasses runner = main(Module.EXPERIMENT);
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("evaluation").definedBy("org.rlhf4j.experiment.eval..")
                .layer("run directory").definedBy("org.rlhf4j.experiment.run..")
                .layer("arm").definedBy("org.rlhf4j.experiment.arm..")
                .layer("experiment").definedBy("org.rlhf4j.experiment")
                .layer("bench").definedBy("org.rlhf4j.bench..")
                .whereLayer("experiment").mayNotBeAccessedByAnyLayer()
                .whereLayer("bench").mayNotBeAccessedByAnyLayer()
                .whereLayer("arm").mayOnlyBeAccessedByLayers("experiment")
                .whereLayer("run directory").mayOnlyBeAccessedByLayers("arm", "experiment")
                .whereLayer("evaluation").mayOnlyBeAccessedByLayers("run directory", "arm", "experiment")
                .because("an arm's stages sit below the runner that loops over arms (docs/architecture.md, Layers)")
                .check(runner);
        noClasses().that().resideInAPackage("org.rlhf4j.bench..").should().dependOnClassesThat()
                .resideInAPackage("org.rlhf4j.experiment..")
                .because("the bench times the engine and the algorithms, not the runner").check(runner);
        slices().matching("org.rlhf4j.(experiment|bench).(*)..").should().beFreeOfCycles().check(runner);
    }

    @Test
    void theReportReadsAndWritesFilesThroughTheApiOnly() {
        noClasses().that().resideInAPackage("org.rlhf4j.report..").should().dependOnClassesThat()
                .resideInAnyPackage("org.nd4j..", "org.deeplearning4j..", "org.rlhf4j.engine..", "org.rlhf4j.algorithms..")
                .because("the report reads a run directory's files: rlhf-api's io, no engine (docs/architecture.md, Layers)")
                .check(main(Module.SAMPLES));
    }
}
