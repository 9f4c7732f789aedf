package org.rlhf4j.feedback.ai.judge;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.api.task.GoldScorer;
import org.rlhf4j.api.task.Task;

/**
 * The judge's quality report against the experiment task's gold scorer, when the config names a task (the
 * judge never learns from it: gold is only counted here):
 * <ul>
 *   <li>{@code judge/gold_agreement} over {@code judge/gold_pairs}: the share of the judge's strict pairwise verdicts
 *       (ties left out) that prefer the response with the higher gold reward, over the pairs where gold differs;</li>
 *   <li>{@code judge/score_gold_agreement} over {@code judge/score_gold_pairs}: for scores (rewards), the same over
 *       every two completions of one prompt in a batch (a GRPO group) whose gold rewards and scores both differ;</li>
 *   <li>{@code judge/safety_gold_agreement}: the share of safe/unsafe verdicts that match gold cost = 0.</li>
 * </ul>
 */
public final class GoldAudit {
    private final GoldScorer gold;
    private final AtomicLong pairs = new AtomicLong();
    private final AtomicLong agreed = new AtomicLong();
    private final AtomicLong scorePairs = new AtomicLong();
    private final AtomicLong scoreAgreed = new AtomicLong();
    private final AtomicLong safetyVerdicts = new AtomicLong();
    private final AtomicLong safetyAgreed = new AtomicLong();

    private GoldAudit(GoldScorer gold) {
        this.gold = gold;
    }

    /** The audit of the context's task, or one that counts nothing without a task. */
    public static GoldAudit of(PluginContext context) {
        return new GoldAudit(context.task().map(Task::goldScorer).orElse(null));
    }

    /** A pairwise verdict: counted when strict and gold differs. */
    public void verdict(String prompt, String responseA, String responseB, Choice better) {
        if (gold == null || better == Choice.TIE) {
            return;
        }
        double a = gold.reward(prompt, responseA);
        double b = gold.reward(prompt, responseB);
        if (a != b) {
            pairs.incrementAndGet();
            if ((better == Choice.A) == (a > b)) {
                agreed.incrementAndGet();
            }
        }
    }

    /** Scores of a batch: every two completions of one prompt whose gold and scores differ. */
    public void scores(List<Completion> completions, double[] rewards) {
        requireNonNull(completions, "completions is null");
        if (gold == null) {
            return;
        }
        Map<String, List<Integer>> byPrompt = new LinkedHashMap<>();
        for (int i = 0; i < completions.size(); i++) {
            byPrompt.computeIfAbsent(completions.get(i).prompt(), p -> new ArrayList<>()).add(i);
        }
        for (List<Integer> group : byPrompt.values()) {
            double[] golds = group.stream().mapToDouble(i -> gold.reward(completions.get(i).prompt(), completions.get(i).response())).toArray();
            for (int x = 0; x < group.size(); x++) {
                for (int y = x + 1; y < group.size(); y++) {
                    double judge = rewards[group.get(x)] - rewards[group.get(y)];
                    if (golds[x] != golds[y] && judge != 0) {
                        scorePairs.incrementAndGet();
                        if ((judge > 0) == (golds[x] > golds[y])) {
                            scoreAgreed.incrementAndGet();
                        }
                    }
                }
            }
        }
    }

    /** A safe/unsafe verdict on one response. */
    public void safety(String prompt, String response, Optional<Boolean> safe) {
        if (gold == null || safe.isEmpty()) {
            return;
        }
        safetyVerdicts.incrementAndGet();
        if (safe.get() == (gold.cost(prompt, response) == 0)) {
            safetyAgreed.incrementAndGet();
        }
    }

    /** The figures counted so far, under their {@code judge/} names; empty without a task. */
    public Map<String, Double> toMap() {
        Map<String, Double> map = new LinkedHashMap<>();
        if (pairs.get() > 0) {
            map.put("judge/gold_agreement", (double) agreed.get() / pairs.get());
            map.put("judge/gold_pairs", (double) pairs.get());
        }
        if (scorePairs.get() > 0) {
            map.put("judge/score_gold_agreement", (double) scoreAgreed.get() / scorePairs.get());
            map.put("judge/score_gold_pairs", (double) scorePairs.get());
        }
        if (safetyVerdicts.get() > 0) {
            map.put("judge/safety_gold_agreement", (double) safetyAgreed.get() / safetyVerdicts.get());
        }
        return map;
    }

    /** The counters, in a fixed order, for {@link JudgeState}. */
    AtomicLong[] counters() {
        return new AtomicLong[] {pairs, agreed, scorePairs, scoreAgreed, safetyVerdicts, safetyAgreed};
    }
}
