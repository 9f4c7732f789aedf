package org.rlhf4j.tasks.reviews;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Which word-class bigrams the review grammar can produce: the gold scorer's notion of fluency.
 *
 * <p>Every token has a set of classes: the word lists it appears in ({@code adjective}, {@code feature},
 * ...), {@code =word} for the literal word itself, and {@code digits} for numbers. A bigram of tokens is
 * <em>licensed</em> when some pair of their classes was produced by the grammar. The licensed class pairs are
 * collected once, from {@value #SAMPLE_SIZE} reviews of a fixed seed, including the start of a text
 * ({@code ^}) and its end ({@code $}). "great great" is not licensed (the grammar never puts two adjectives
 * side by side); "the lid is great" is.
 */
public final class FluencyModel {
    static final int SAMPLE_SIZE = 20_000;
    static final String START = "^";
    static final String END = "$";
    private static final long SEED = 20_240_601L;

    private static volatile FluencyModel shared;

    private final ReviewLexicon lexicon;
    private final Set<String> licensed;

    private FluencyModel(ReviewLexicon lexicon, Set<String> licensed) {
        this.lexicon = requireNonNull(lexicon, "lexicon is null");
        this.licensed = Set.copyOf(licensed);
    }

    /** The model learned from the shipped grammar (built on first use, then shared). */
    public static FluencyModel get() {
        FluencyModel model = shared;
        if (model == null) {
            synchronized (FluencyModel.class) {
                model = shared;
                if (model == null) {
                    model = learn(new ReviewGrammar(), ReviewLexicon.get(), SEED, SAMPLE_SIZE);
                    shared = model;
                }
            }
        }
        return model;
    }

    static FluencyModel learn(ReviewGrammar grammar, ReviewLexicon lexicon, long seed, int reviews) {
        Random random = new Random(seed);
        Set<String> licensed = new HashSet<>();
        for (int i = 0; i < reviews; i++) {
            List<Token> tokens = grammar.generateTokens(random, ReviewGrammar.Style.sample(random)).allTokens();
            String previous = START;
            for (Token token : tokens) {
                licensed.add(previous + " " + token.wordClass());
                previous = token.wordClass();
            }
            licensed.add(previous + " " + END);
        }
        return new FluencyModel(lexicon, licensed);
    }

    /** The number of licensed class pairs. */
    public int size() {
        return licensed.size();
    }

    /**
     * The fraction of licensed bigrams in {@code previous, tokens..., END}: the bigram from the last prompt
     * token into the response, the response's own bigrams, and its last token into the end of the text (so a
     * response must end a sentence to be fully fluent). {@code 0} for an empty response.
     *
     * @param previous the prompt's last token, or {@code null} when the response starts the text
     */
    public double fluency(String previous, List<String> tokens) {
        if (tokens.isEmpty()) {
            return 0.0;
        }
        List<String> sequence = new ArrayList<>(tokens.size() + 2);
        sequence.add(previous);
        sequence.addAll(tokens);
        sequence.add(null);
        int good = 0;
        for (int i = 0; i + 1 < sequence.size(); i++) {
            if (isLicensed(classes(sequence.get(i), START), classes(sequence.get(i + 1), END))) {
                good++;
            }
        }
        return good / (double) (sequence.size() - 1);
    }

    private boolean isLicensed(List<String> left, List<String> right) {
        for (String a : left) {
            for (String b : right) {
                if (licensed.contains(a + " " + b)) {
                    return true;
                }
            }
        }
        return false;
    }

    private List<String> classes(String token, String boundary) {
        if (token == null) {
            return List.of(boundary);
        }
        List<String> classes = new ArrayList<>(lexicon.classes(token));
        classes.add("=" + token);
        if (!token.isEmpty() && token.chars().allMatch(Character::isDigit)) {
            classes.add("digits");
        }
        return classes;
    }
}
