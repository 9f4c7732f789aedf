package org.rlhf4j.engine.tokenizer;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns a {@link WordTokenizer} vocabulary from a corpus.
 *
 * <p>The vocabulary is the four {@link SpecialTokens} followed by every token seen at least
 * {@code minFrequency} times, most frequent first; ties are broken by the token's natural
 * {@link String} order, so the same corpus always gives the same ids whatever its line order.
 * At most {@code maxVocabSize} entries are kept, special tokens included.
 */
public final class TokenizerTrainer {
    private boolean lowercase = true;
    private int minFrequency = 1;
    private int maxVocabSize = Integer.MAX_VALUE;

    /** Whether text is lower-cased before counting and encoding (default {@code true}). */
    public TokenizerTrainer lowercase(boolean value) {
        this.lowercase = value;
        return this;
    }

    /** Minimum number of occurrences for a token to enter the vocabulary (default 1). */
    public TokenizerTrainer minFrequency(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("minFrequency must be >= 1, got " + value);
        }
        this.minFrequency = value;
        return this;
    }

    /** Maximum vocabulary size including the special tokens (default unlimited). */
    public TokenizerTrainer maxVocabSize(int value) {
        if (value < SpecialTokens.ALL.size()) {
            throw new IllegalArgumentException(
                    "maxVocabSize must be >= " + SpecialTokens.ALL.size() + " (the special tokens), got " + value);
        }
        this.maxVocabSize = value;
        return this;
    }

    /** Counts the tokens of every text in {@code corpus} and builds the tokenizer. */
    public WordTokenizer train(Iterable<String> corpus) {
        requireNonNull(corpus, "corpus is null");
        TextSplitter splitter = new TextSplitter(lowercase);
        Map<String, Integer> counts = new HashMap<>();
        for (String text : corpus) {
            for (String token : splitter.split(requireNonNull(text, "corpus contains a null text"))) {
                counts.merge(token, 1, Integer::sum);
            }
        }
        SpecialTokens.ALL.forEach(counts::remove);
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        List<String> vocab = new ArrayList<>(SpecialTokens.ALL);
        for (Map.Entry<String, Integer> e : entries) {
            if (vocab.size() >= maxVocabSize || e.getValue() < minFrequency) {
                break;
            }
            vocab.add(e.getKey());
        }
        return new WordTokenizer(vocab, lowercase);
    }
}
