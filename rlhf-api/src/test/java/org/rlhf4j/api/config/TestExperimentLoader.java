package org.rlhf4j.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.FeedbackSourceFactory;
import org.rlhf4j.api.plugin.PluginBinders;
import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.api.plugin.PluginLoader;
import org.rlhf4j.api.plugin.TestPlugins;
import org.rlhf4j.api.plugin.TestPlugins.JudgeConfig;

class TestExperimentLoader {
    private static final String VALID = """
            name: demo
            data:
              comparisons: data/pairs.jsonl
            arms:
              - name: first
                feedback:
                  type: test-judge
                  temperature: 0.5
                algorithm:
                  type: test-algo
              - name: second
                feedback: {type: test-judge, mode: lenient}
            """;

    @TempDir
    Path directory;
    private ExperimentLoader loader;

    @BeforeEach
    void setUp() {
        loader = new ExperimentLoader(PluginLoader.fromModules(List.of(new TestPlugins.TestModule())));
    }

    private Path write(String yaml) throws IOException {
        Path file = directory.resolve("experiment.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void bindsCoreAndPluginSettings() throws IOException {
        ExperimentPlan plan = loader.load(write(VALID), List.of());
        assertEquals("demo", plan.config().name());
        assertEquals(2, plan.arms().size());
        assertEquals(new JudgeConfig(0.5, JudgeConfig.Mode.STRICT, List.of()), plan.arms().get(0).feedbackConfig());
        assertEquals(new TestPlugins.AlgoConfig(0.1), plan.arms().get(0).algorithmConfig().orElseThrow());
        assertEquals("test-algo", plan.arms().get(0).algorithmType());
        assertEquals(new JudgeConfig(1.0, JudgeConfig.Mode.LENIENT, List.of()), plan.arms().get(1).feedbackConfig());
        assertEquals("none", plan.arms().get(1).algorithmType());
        assertEquals(directory.resolve("data/pairs.jsonl"), plan.comparisonsFile());
    }

    @Test
    void unknownKeyNamesFileLineAndPath() throws IOException {
        Path file = write(VALID.replace("temperature: 0.5", "temprature: 0.5"));
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(file, List.of()));
        assertEquals(file.toString(), e.file());
        assertEquals("line 8, column 7", e.origin());
        assertEquals("arms[0].feedback.temprature", e.keyPath());
        assertEquals("unknown key 'temprature'; known keys: mode, temperature, words", e.problem());
        assertTrue(e.getMessage().startsWith("invalid config " + file + ", line 8, column 7, key 'arms[0].feedback.temprature'"),
                e.getMessage());
    }

    @Test
    void unknownCoreKeyIsRejectedToo() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(write("sede: 3\n" + VALID), List.of()));
        assertEquals("line 1, column 1", e.origin());
        assertEquals("sede", e.keyPath());
        assertTrue(e.problem().startsWith("unknown key 'sede'; known keys: arms, batch_size, data, evaluation, name, output, policy, seed, sft, task"),
                e.problem());
    }

    @Test
    void wrongValueTypeNamesTheKey() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.load(write(VALID.replace("temperature: 0.5", "temperature: hot")), List.of()));
        assertEquals("arms[0].feedback.temperature", e.keyPath());
        assertEquals("line 8, column 7", e.origin());
        assertEquals("cannot read 'hot' as a number", e.problem());

        ConfigException enumError = assertThrows(ConfigException.class,
                () -> loader.load(write(VALID.replace("mode: lenient", "mode: sloppy")), List.of()));
        assertEquals("arms[1].feedback.mode", enumError.keyPath());
        assertEquals("cannot read 'sloppy' as one of lenient, strict", enumError.problem());
    }

    @Test
    void constructorChecksAreReportedAtTheirObject() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.load(write(VALID.replace("temperature: 0.5", "temperature: -1")), List.of()));
        assertEquals("arms[0].feedback", e.keyPath());
        assertEquals("line 6, column 5", e.origin());
        assertEquals("temperature must be >= 0, got -1.0", e.problem());
    }

    @Test
    void misspelledRequiredKeyIsReportedAsUnknownAtItsOwnLine() throws IOException {
        ExperimentLoader withKeywords = new ExperimentLoader(PluginLoader.fromModules(List.<Module>of(new TestPlugins.TestModule(),
                binder -> PluginBinders.feedbackSources(binder).addBinding("test-keywords").to(KeywordsFactory.class))));
        String config = """
                name: demo
                data: {comparisons: pairs.jsonl}
                arms:
                  - name: words
                    feedback:
                      type: test-keywords
                      negative: [awful]
                      postive: [great]
                """;
        ConfigException typo = assertThrows(ConfigException.class, () -> withKeywords.load(write(config), List.of()));
        assertEquals("line 8, column 7", typo.origin());
        assertEquals("arms[0].feedback.postive", typo.keyPath());
        assertEquals("unknown key 'postive'; known keys: negative, positive", typo.problem());

        ConfigException missing = assertThrows(ConfigException.class,
                () -> withKeywords.load(write(config.replace("      postive: [great]\n", "")), List.of()));
        assertEquals("line 5, column 5", missing.origin());
        assertEquals("arms[0].feedback", missing.keyPath());
        assertEquals("missing 'positive' (a list of words)", missing.problem());

        ConfigException core = assertThrows(ConfigException.class,
                () -> loader.load(write(VALID.replace("  - name: second", "  - nme: second")), List.of()));
        assertEquals("line 11, column 5", core.origin());
        assertEquals("arms[1].nme", core.keyPath());
        assertTrue(core.problem().startsWith("unknown key 'nme'; known keys: algorithm, ") && core.problem().contains(" name"),
                core.problem());
    }

    @Test
    void wrongValueTypeSaysWhatWasExpectedAndFound() throws IOException {
        ConfigException list = assertThrows(ConfigException.class,
                () -> loader.load(write(VALID.replace("mode: lenient", "words: great")), List.of()));
        assertEquals("arms[1].feedback.words", list.keyPath());
        assertEquals("line 12, column 34", list.origin());
        assertEquals("expected a list, found the string 'great'", list.problem());

        ConfigException mapping = assertThrows(ConfigException.class,
                () -> loader.load(write(VALID.replace("data:\n  comparisons: data/pairs.jsonl", "data: data/pairs.jsonl")), List.of()));
        assertEquals("data", mapping.keyPath());
        assertEquals("expected a mapping, found the string 'data/pairs.jsonl'", mapping.problem());

        ConfigException number = assertThrows(ConfigException.class,
                () -> loader.load(write("seed: [1, 2]\n" + VALID), List.of()));
        assertEquals("seed", number.keyPath());
        assertEquals("expected a whole number, found a list", number.problem());

        ConfigException text = assertThrows(ConfigException.class,
                () -> loader.load(write(VALID.replace("name: demo", "name: {first: demo}")), List.of()));
        assertEquals("name", text.keyPath());
        assertEquals("expected a string, found a mapping", text.problem());
    }

    @Test
    void unknownTypeListsKnownTypesAtTheTypeLine() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.load(write(VALID.replace("type: test-judge, mode", "type: no-such-thing, mode")), List.of()));
        assertEquals("arms[1].feedback.type", e.keyPath());
        assertTrue(e.origin().startsWith("line 12"), e.origin());
        assertTrue(e.problem().startsWith("unknown feedback source type 'no-such-thing'; known feedback source types: test-judge"),
                e.problem());

        ConfigException algorithm = assertThrows(ConfigException.class,
                () -> loader.load(write(VALID.replace("type: test-algo", "type: ppo")), List.of()));
        assertEquals("arms[0].algorithm.type", algorithm.keyPath());
        assertTrue(algorithm.problem().contains("known algorithm types: test-algo"), algorithm.problem());
    }

    @Test
    void missingTypeAndMissingRequiredKeys() throws IOException {
        ConfigException type = assertThrows(ConfigException.class,
                () -> loader.load(write(VALID.replace("{type: test-judge, mode: lenient}", "{mode: lenient}")), List.of()));
        assertEquals("arms[1].feedback", type.keyPath());
        assertTrue(type.problem().startsWith("missing 'type'"), type.problem());

        ConfigException name = assertThrows(ConfigException.class,
                () -> loader.load(write(VALID.replace("name: demo\n", "")), List.of()));
        assertEquals("", name.keyPath());
        assertEquals("missing 'name'", name.problem());
    }

    @Test
    void yamlSyntaxErrorsAndDuplicateKeysNameTheLine() throws IOException {
        ConfigException syntax = assertThrows(ConfigException.class,
                () -> loader.load(write("name: demo\narms: [unclosed\n"), List.of()));
        assertTrue(syntax.origin().startsWith("line "), syntax.getMessage());
        assertTrue(syntax.problem().startsWith("not valid YAML"), syntax.problem());

        ConfigException duplicate = assertThrows(ConfigException.class,
                () -> loader.load(write("name: demo\nname: again\n"), List.of()));
        assertEquals("line 2, column 1", duplicate.origin());
        assertEquals("duplicate key", duplicate.problem());

        ConfigException missing = assertThrows(ConfigException.class,
                () -> loader.load(directory.resolve("absent.yaml"), List.of()));
        assertEquals("the file does not exist", missing.problem());
    }

    @Test
    void setOverridesAnyKeyInEitherIndexSyntax() throws IOException {
        ExperimentPlan plan = loader.load(write(VALID), List.of(
                "arms[0].feedback.temperature=0.25",
                "arms.1.feedback.mode=strict",
                "arms[1].feedback.words=[good, fine]",
                "seed=7",
                "batch_size=3",
                "name=renamed"));
        assertEquals(new JudgeConfig(0.25, JudgeConfig.Mode.STRICT, List.of()), plan.arms().get(0).feedbackConfig());
        assertEquals(new JudgeConfig(1.0, JudgeConfig.Mode.STRICT, List.of("good", "fine")), plan.arms().get(1).feedbackConfig());
        assertEquals(7L, plan.config().seed());
        assertEquals(3, plan.config().batchSize());
        assertEquals("renamed", plan.config().name());
    }

    @Test
    void setOnAMissingKeyIsAnErrorNamingTheOverride() throws IOException {
        Path file = write(VALID);
        ConfigException unknownLeaf = assertThrows(ConfigException.class,
                () -> loader.load(file, List.of("arms[0].feedback.nosie=0.1")));
        assertEquals("--set arms[0].feedback.nosie=0.1", unknownLeaf.origin());
        assertEquals("arms[0].feedback.nosie", unknownLeaf.keyPath());
        assertTrue(unknownLeaf.problem().startsWith("unknown key 'nosie'"), unknownLeaf.problem());

        ConfigException missingParent = assertThrows(ConfigException.class,
                () -> loader.load(file, List.of("nothing.here=1")));
        assertEquals("nothing", missingParent.keyPath());
        assertTrue(missingParent.problem().startsWith("no such key"), missingParent.problem());

        ConfigException badIndex = assertThrows(ConfigException.class,
                () -> loader.load(file, List.of("arms[5].name=x")));
        assertEquals("arms", badIndex.keyPath());
        assertEquals("no list item [5]; the list has 2 item(s)", badIndex.problem());

        ConfigException wrongType = assertThrows(ConfigException.class,
                () -> loader.load(file, List.of("arms[0].feedback.temperature=warm")));
        assertEquals("--set arms[0].feedback.temperature=warm", wrongType.origin());
        assertEquals("cannot read 'warm' as a number", wrongType.problem());

        assertThrows(ConfigException.class, () -> loader.load(file, List.of("no-equals-sign")));
        assertThrows(ConfigException.class, () -> loader.load(file, List.of("arms[x=1")));
    }

    @Test
    void taskExperimentResolvesItsTask() throws IOException {
        ExperimentPlan plan = loader.load(write("name: t\ntask: {type: echo}\nsft: {steps: 5}\n"), List.of("sft.batch_size=2"));
        assertTrue(plan.config().isTaskExperiment());
        assertEquals(2, plan.config().sft().batchSize());
        assertEquals("echo", plan.createTask().orElseThrow().name());
        assertEquals(List.of(), plan.arms());
    }

    @Test
    void unknownTaskTypeListsTheKnownOnes() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.load(write("name: t\nseed: 1\ntask: {type: nope}\n"), List.of()));
        assertEquals("line 3, column 8", e.origin());
        assertEquals("task.type", e.keyPath());
        assertEquals("unknown task type 'nope'; known task types: echo (a plugin jar adds more: see --plugins)", e.problem());
    }

    @Test
    void unknownKeyInATaskExperimentSectionNamesItsLine() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.load(write("name: t\ntask: {type: echo}\nsft:\n  steps: 5\n  stpes: 6\n"), List.of()));
        assertEquals("line 5, column 3", e.origin());
        assertEquals("sft.stpes", e.keyPath());
        assertTrue(e.problem().startsWith("unknown key 'stpes'; known keys: batch_size, checkpoint_every, corpus_size"), e.problem());
    }

    /** Settings of a test type with a required key, as a plugin author writes them. */
    public record KeywordsConfig(List<String> positive, List<String> negative) {
        public KeywordsConfig {
            if (positive == null) {
                throw new IllegalArgumentException("missing 'positive' (a list of words)");
            }
            negative = negative == null ? List.of() : negative;
        }
    }

    public static final class KeywordsFactory implements FeedbackSourceFactory<KeywordsConfig> {
        @Override
        public String description() {
            return "a test type with a required key";
        }

        @Override
        public Class<KeywordsConfig> configClass() {
            return KeywordsConfig.class;
        }

        @Override
        public FeedbackSource create(String type, KeywordsConfig config, PluginContext context) {
            return new FeedbackSource() {};
        }
    }
}
