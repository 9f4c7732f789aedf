package org.rlhf4j.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlhf4j.api.task.Demonstration;
import org.rlhf4j.api.task.Split;
import org.rlhf4j.engine.tokenizer.SpecialTokens;
import org.rlhf4j.engine.tokenizer.TokenizerTrainer;
import org.rlhf4j.engine.tokenizer.WordTokenizer;
import org.rlhf4j.experiment.eval.Diversity;
import org.rlhf4j.tasks.reviews.ReviewText;
import org.rlhf4j.tasks.reviews.ReviewsTask;

/**
 * rlhf-tasks cannot depend on the tokenizer, so the reviews gold scorer splits text with its own rule
 * ({@link ReviewText#tokens}). It must agree with {@link WordTokenizer#tokenize} (and so with
 * {@link Diversity#tokens}) on every text of the task, or gold length, repetition and fluency would count
 * different tokens from the policy's.
 */
class TestSplittingAgreesWithTasks {
    @Test
    void reviewTextAgreesWithTheTokenizerOnTheWholeTask() {
        ReviewsTask task = new ReviewsTask();
        List<String> texts = new ArrayList<>(task.corpus(42, 5000));
        texts.addAll(task.prompts(Split.TRAIN));
        texts.addAll(task.prompts(Split.EVAL));
        task.demonstrations(42, 200).stream().map(Demonstration::text).forEach(texts::add);
        texts.add("the kettle is <unk> great . <unk>, 555 0123 dot com!");
        WordTokenizer tokenizer = new TokenizerTrainer().train(texts);
        long tokens = 0;
        for (String text : texts) {
            List<String> expected = ReviewText.tokens(text);
            assertEquals(expected, tokenizer.tokenize(text), text);
            assertEquals(expected, Diversity.tokens(text), text);
            tokens += expected.size();
        }
        assertEquals(texts.size(), 5000 + 512 + 64 + 200 + 1);
        System.out.printf("splitting agrees on %d texts, %d tokens%n", texts.size(), tokens);
    }

    @Test
    void specialTokensWrittenAsTextStayWhole() {
        WordTokenizer tokenizer = new WordTokenizer(List.of("<pad>", "<bos>", "<eos>", "<unk>", "good"), true);
        assertEquals(List.of("good", "<unk>", "."), tokenizer.tokenize("good <unk>."));
        int[] ids = {4, SpecialTokens.UNK_ID, 4};
        assertEquals("good <unk> good", tokenizer.decode(ids));
        org.junit.jupiter.api.Assertions.assertArrayEquals(ids, tokenizer.encode(tokenizer.decode(ids)));
    }
}
