package org.rlhf4j.experiment;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.rlhf4j.api.task.Task;
import org.rlhf4j.engine.sft.SftExample;
import org.rlhf4j.engine.tokenizer.TokenizerTrainer;
import org.rlhf4j.engine.tokenizer.WordTokenizer;

/**
 * A task's SFT data: its corpus (seeded), the word tokenizer trained on it, and one training example per
 * text.
 *
 * <p>Each example is {@code <bos> text <eos>} trained with the <b>full</b> next-token loss (every token but
 * {@code <bos>}), not a prompt-masked one: the task SPI's corpus is plain text with no prompt boundary, the
 * EVAL prompts are review openings of the same distribution, and predicting the openings too gives the
 * small policy more signal per step, which matters under the few-minute budget of a task build.
 * Texts longer than the context are cut at {@code maxSeqLen + 1} tokens (losing their {@code <eos>}).
 *
 * @param corpus the corpus texts
 * @param tokenizer the tokenizer trained on the corpus
 * @param examples the training examples, one per text
 */
public record TaskData(List<String> corpus, WordTokenizer tokenizer, List<SftExample> examples) {
    public TaskData {
        corpus = List.copyOf(requireNonNull(corpus, "corpus is null"));
        requireNonNull(tokenizer, "tokenizer is null");
        examples = List.copyOf(requireNonNull(examples, "examples is null"));
    }

    /**
     * Draws {@code corpusSize} texts of {@code task}'s corpus with {@code seed}, trains a lower-casing
     * tokenizer of at most {@code maxVocab} tokens on them, and encodes them.
     */
    public static TaskData prepare(Task task, long seed, int corpusSize, int maxVocab) {
        requireNonNull(task, "task is null");
        List<String> corpus = task.corpus(seed, corpusSize);
        WordTokenizer tokenizer = new TokenizerTrainer().lowercase(true).maxVocabSize(maxVocab).train(corpus);
        return new TaskData(corpus, tokenizer, encode(tokenizer, corpus));
    }

    /**
     * Texts as unconditional SFT examples {@code <bos> text <eos>} (texts with no token are left out); the
     * same encoding serves held-out texts for perplexity.
     */
    public static List<SftExample> encode(WordTokenizer tokenizer, List<String> texts) {
        requireNonNull(tokenizer, "tokenizer is null");
        List<SftExample> examples = new ArrayList<>(texts.size());
        for (String text : texts) {
            int[] ids = tokenizer.encode(text, true, true);
            if (ids.length >= 3) { // <bos>, at least one token, <eos>
                examples.add(SftExample.unconditional(ids));
            }
        }
        return examples;
    }
}
