package org.rlhf4j.experiment.eval;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.rlhf4j.engine.tokenizer.TextSplitter;

/**
 * Response length and lexical diversity.
 *
 * <p>Texts are split into <em>tokens</em> by the word-level tokenizer's own rule
 * ({@link TextSplitter}, lower-casing): words and numbers, each punctuation mark a token of its own,
 * {@code <unk>}-style special tokens kept whole. "Length" below always means this token count.
 *
 * <p>{@code distinct-n} = (number of distinct n-grams) / (total number of n-grams), pooled over all
 * responses (n-grams never span two responses), as in Li et al. 2016; {@code 0} when there are no n-grams.
 */
public final class Diversity {
    private static final TextSplitter SPLITTER = new TextSplitter(true);

    private Diversity() {}

    /** Splits a text into tokens (see the class comment). */
    public static List<String> tokens(String text) {
        return SPLITTER.split(requireNonNull(text, "text is null"));
    }

    /** distinct-n over texts, split with {@link #tokens(String)}. */
    public static double distinctN(Collection<String> texts, int n) {
        requireNonNull(texts, "texts is null");
        return distinctNOfTokens(texts.stream().map(Diversity::tokens).toList(), n);
    }

    /** distinct-n over already tokenised responses. */
    public static double distinctNOfTokens(Collection<? extends List<String>> responses, int n) {
        requireNonNull(responses, "responses is null");
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1: " + n);
        }
        Set<List<String>> distinct = new HashSet<>();
        long total = 0;
        for (List<String> tokens : responses) {
            for (int i = 0; i + n <= tokens.size(); i++) {
                distinct.add(List.copyOf(tokens.subList(i, i + n)));
                total++;
            }
        }
        return total == 0 ? 0.0 : distinct.size() / (double) total;
    }

    /** The mean number of tokens per text; {@code 0} for no texts. */
    public static double meanLength(Collection<String> texts) {
        requireNonNull(texts, "texts is null");
        return texts.stream().mapToInt(text -> tokens(text).size()).average().orElse(0.0);
    }
}
