package org.rlhf4j.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.rlhf4j.api.task.Split;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.sft.SftTrainer;
import org.rlhf4j.engine.tokenizer.SpecialTokens;
import org.rlhf4j.experiment.eval.Evaluation;
import org.rlhf4j.experiment.eval.Evaluator;
import org.rlhf4j.tasks.reviews.ReviewText;
import org.rlhf4j.tasks.reviews.ReviewsGoldScorer;
import org.rlhf4j.tasks.reviews.ReviewsTask;

/**
 * The task pipeline on a tiny model and a small corpus: SFT on the reviews corpus makes the policy's EVAL
 * samples end sentences and stop, and raises the gold fluency term, compared with the untrained policy.
 */
class TaskPipelineTest {
    @Test
    void sftMakesThePolicyWriteReviewShapedText() {
        ReviewsTask task = new ReviewsTask();
        TaskData data = TaskData.prepare(task, 3, 3000, 1200);
        assertEquals(3000, data.examples().size());
        assertEquals(data.corpus().get(0).toLowerCase(), data.tokenizer().decode(data.examples().get(0).tokens()));
        assertEquals(SpecialTokens.EOS_ID, data.examples().get(0).tokens()[data.examples().get(0).tokens().length - 1]);

        TransformerConfig config = TransformerConfig.of(data.tokenizer().vocabSize(), 48, 2, 1, 48);
        TransformerWeights policy = TransformerWeights.init(config, Heads.LM, new Rng(5));
        Evaluator evaluator = new Evaluator(task.goldScorer(), data.tokenizer(), task.prompts(Split.EVAL).subList(0, 24),
                new Evaluator.Settings(2, 36, 1.0, 0, 1.0, 48));
        Evaluation untrained = evaluator.evaluate(evaluator.sample(policy, 9), policy, policy, null, Optional.empty(),
                Optional.empty());

        int steps = 250;
        AdamW.Config optimizer = new AdamW.Config(new LrSchedule(5e-3, 20, steps, 0.1), 0.9, 0.95, 1e-8, 0.01, 1.0);
        SftTrainer trainer = new SftTrainer(policy, new SftTrainer.Config(16, 48, optimizer), new Rng(6));
        double[] losses = trainer.train(data.examples(), steps);
        Evaluation sft = evaluator.evaluate(evaluator.sample(policy, 9), policy, policy, null, Optional.empty(),
                Optional.empty());

        double untrainedEnds = sentenceEndShare(untrained);
        double sftEnds = sentenceEndShare(sft);
        double untrainedFluency = meanFluency(untrained);
        double sftFluency = meanFluency(sft);
        System.out.printf("pipeline: loss %.3f -> %.3f; stopped %.3f -> %.3f; sentence ends %.3f -> %.3f; fluency %.3f -> %.3f; "
                        + "gold reward %.3f -> %.3f (sd %.3f)%n", losses[0], losses[steps - 1], untrained.stoppedFraction(),
                sft.stoppedFraction(), untrainedEnds, sftEnds, untrainedFluency, sftFluency, untrained.report().goldReward(),
                sft.report().goldReward(), sft.goldRewardStd());
        assertTrue(losses[0] > 6.5 && losses[steps - 1] < 4.0, "loss " + losses[0] + " -> " + losses[steps - 1]);
        assertTrue(untrained.stoppedFraction() < 0.2 && sft.stoppedFraction() > 0.6,
                "stopped " + untrained.stoppedFraction() + " -> " + sft.stoppedFraction());
        assertTrue(untrainedEnds < 0.1 && sftEnds > 0.5, "sentence ends " + untrainedEnds + " -> " + sftEnds);
        assertTrue(sftFluency > untrainedFluency + 0.2, "fluency " + untrainedFluency + " -> " + sftFluency);
        assertTrue(sft.report().goldReward() > untrained.report().goldReward(), "gold reward did not rise");
        assertTrue(sft.goldRewardStd() > 0.2, "gold reward should be spread: sd " + sft.goldRewardStd());
    }

    /** The share of samples whose response ends with a sentence-ending mark. */
    private static double sentenceEndShare(Evaluation evaluation) {
        return evaluation.samples().stream().filter(sample -> {
            List<String> tokens = ReviewText.tokens(sample.response());
            return !tokens.isEmpty() && ReviewText.isSentenceEnd(tokens.get(tokens.size() - 1));
        }).count() / (double) evaluation.samples().size();
    }

    /** The mean of the gold scorer's fluency term (the share of licensed word-class bigrams). */
    private static double meanFluency(Evaluation evaluation) {
        ReviewsGoldScorer gold = new ReviewsGoldScorer();
        return evaluation.samples().stream().mapToDouble(sample -> gold.explain(sample.prompt(), sample.response()).fluency())
                .average().orElseThrow();
    }
}
