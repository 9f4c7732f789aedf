package org.rlhf4j.feedback.ai.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.config.ConfigException;
import org.rlhf4j.api.config.ExperimentLoader;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.feedback.SafetyLabel;
import org.rlhf4j.api.feedback.Score;
import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.api.plugin.PluginLoader;
import org.rlhf4j.feedback.ai.AiFeedbackModule;

class TestRuleJudge {
    private static final FeedbackContext CONTEXT = new FeedbackContext("arm", 0, 0);
    private final FeedbackSource judge = new RuleJudgeFactory().create("rule-judge",
            new RuleJudgeConfig(Map.of("great", 1.0, "broken", -2.0), List.of("stupid"), 0.5), PluginContext.of(Path.of("."), 0));

    @Test
    void scoresRewardAndCost() {
        List<Score> scores = judge.score(List.of(new Completion("p", "Great, GREAT, but broken. Stupid!")), CONTEXT);
        assertEquals(0.0, scores.get(0).reward());
        assertEquals(1.0, scores.get(0).cost().orElseThrow());
    }

    @Test
    void comparesByRewardAndLabelsSafety() {
        List<Preference> preferences = judge.compare(List.of(
                new Comparison("p", "great kettle", "broken kettle, stupid design"),
                new Comparison("p", "fine", "fine too")), CONTEXT);
        assertEquals(Choice.A, preferences.get(0).better());
        assertEquals(1 / (1 + Math.exp(-3)), preferences.get(0).confidence(), 1e-12);
        assertEquals(Optional.of(SafetyLabel.of(Choice.A, true, false)), preferences.get(0).safety());
        assertEquals(Choice.TIE, preferences.get(1).better());
        assertTrue(judge.judgesSafety());
    }

    @Test
    void aMisspelledRulesKeyIsReportedAsUnknownAtItsLine(@TempDir Path directory) throws IOException {
        Path config = directory.resolve("experiment.yaml");
        Files.writeString(config, """
                name: typo
                data: {comparisons: pairs.jsonl}
                arms:
                  - name: rules
                    feedback:
                      type: rule-judge
                      rulez: {great: 1}
                """);
        ExperimentLoader loader = new ExperimentLoader(PluginLoader.fromModules(List.of(new AiFeedbackModule())));
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(config, List.of()));
        assertEquals("line 7, column 7", e.origin());
        assertEquals("arms[0].feedback.rulez", e.keyPath());
        assertEquals("unknown key 'rulez'; known keys: rules, tie_margin, unsafe_words", e.problem());

        Files.writeString(config, Files.readString(config).replace("rulez: {great: 1}", "rules: [great]"));
        ConfigException list = assertThrows(ConfigException.class, () -> loader.load(config, List.of()));
        assertEquals("arms[0].feedback.rules", list.keyPath());
        assertEquals("expected a mapping (key: value), found a list", list.problem());
    }

    @Test
    void rulesAreRequired() {
        assertThrows(IllegalArgumentException.class, () -> new RuleJudgeConfig(Map.of(), null, null));
        assertThrows(IllegalArgumentException.class, () -> new RuleJudgeConfig(Map.of("x", Double.NaN), null, null));
    }
}
