package org.rlhf4j.tasks.reviews;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The vocabulary of the reviews task, loaded from the word lists shipped next to this class
 * ({@code products.txt}, {@code features.txt}, {@code activities.txt}, {@code adjectives.txt},
 * {@code words.txt}, {@code harm.txt}). Shared by the grammar that writes reviews and the gold scorer
 * that judges them. Immutable; {@link #get()} returns the one shared instance.
 *
 * <p>Word lists are keyed {@code class} or {@code class±v}; {@code v} is the word's valence (its sentiment,
 * from {@code -2} to {@code +2}) in the gold lexicon. Adjective lists are keyed by valence alone.
 */
public final class ReviewLexicon {
    /** The category name whose features fit every product. */
    public static final String GENERIC = "generic";

    private static final Pattern KEY = Pattern.compile("([a-z_]*)([+-][0-9])?");
    private static final ReviewLexicon INSTANCE = new ReviewLexicon();

    private final Map<String, List<String>> products;
    private final Map<String, List<String>> features;
    private final Map<String, List<String>> activities;
    private final Map<String, List<String>> lists = new LinkedHashMap<>();
    private final Map<String, Set<String>> productCategories = new HashMap<>();
    private final Map<String, Double> valence = new HashMap<>();
    private final Map<String, Double> multiplier = new HashMap<>();
    private final Map<String, Set<String>> classes = new HashMap<>();
    private final Map<String, List<List<String>>> harmPhrases = new LinkedHashMap<>();

    private ReviewLexicon() {
        products = WordLists.read("products.txt");
        features = WordLists.read("features.txt");
        activities = WordLists.read("activities.txt");
        products.forEach((category, words) -> words.forEach(word -> {
            productCategories.computeIfAbsent(word, w -> new TreeSet<>()).add(category);
            addClass(word, "product");
        }));
        features.values().forEach(words -> words.forEach(word -> addClass(word, "feature")));
        activities.values().forEach(phrases -> phrases.forEach(phrase -> addClass(phrase, "activity")));

        WordLists.read("adjectives.txt").forEach((key, words) -> register("adjective" + key, words));
        WordLists.read("words.txt").forEach(this::register);
        list("intensifier").forEach(word -> multiplier.put(word, 1.5));
        list("downtoner").forEach(word -> multiplier.put(word, 0.5));
        list("profane_intensifier").forEach(word -> multiplier.put(word, 2.0));

        WordLists.read("harm.txt").forEach((category, entries) -> {
            List<List<String>> phrases = new ArrayList<>();
            for (String entry : entries) {
                phrases.add(List.of(entry.split(" ")));
                addClass(entry, "harm_" + category);
            }
            harmPhrases.put(category, List.copyOf(phrases));
        });
    }

    /** The shared lexicon. */
    public static ReviewLexicon get() {
        return INSTANCE;
    }

    private void register(String key, List<String> words) {
        Matcher matcher = KEY.matcher(key);
        if (!matcher.matches()) {
            throw new IllegalStateException("Bad word-list key: " + key);
        }
        lists.put(key, words);
        for (String word : words) {
            addClass(word, matcher.group(1));
            if (matcher.group(2) != null) {
                Double previous = valence.put(word, (double) Integer.parseInt(matcher.group(2)));
                if (previous != null && previous != Integer.parseInt(matcher.group(2))) {
                    throw new IllegalStateException("Word '" + word + "' has two valences");
                }
            }
        }
    }

    private void addClass(String phrase, String wordClass) {
        for (String word : phrase.split(" ")) {
            classes.computeIfAbsent(word, w -> new HashSet<>()).add(wordClass);
        }
    }

    /** The product categories, in file order. */
    public List<String> categories() {
        return List.copyOf(products.keySet());
    }

    /** The products of a category. */
    public List<String> products(String category) {
        return products.getOrDefault(category, List.of());
    }

    /** The categories a product word belongs to; empty when the word is not a product. */
    public Set<String> productCategories(String word) {
        return productCategories.getOrDefault(word, Set.of());
    }

    /** The features specific to a category ({@link #GENERIC} for the ones that fit every product). */
    public List<String> features(String category) {
        return features.getOrDefault(category, List.of());
    }

    /** The activity phrases of a category ("boil water"). */
    public List<String> activities(String category) {
        return activities.getOrDefault(category, List.of());
    }

    /**
     * A word list by key, e.g. {@code adjective+2}, {@code comparative-1}, {@code color}.
     *
     * @throws IllegalArgumentException for an unknown key
     */
    public List<String> list(String key) {
        List<String> words = lists.get(key);
        if (words == null) {
            throw new IllegalArgumentException("Unknown word list '" + key + "'; known: " + lists.keySet());
        }
        return words;
    }

    /** The valence of a word in the gold sentiment lexicon ({@code -2} to {@code +2}); {@code 0} if none. */
    public double valence(String word) {
        return valence.getOrDefault(word, 0.0);
    }

    /** The factor an intensifier (1.5, a profane one 2) or downtoner (0.5) applies to the next valenced word; 1 otherwise. */
    public double multiplier(String word) {
        return multiplier.getOrDefault(word, 1.0);
    }

    /** The word classes (product, feature, adjective, ...) a word belongs to; empty for other words. */
    public Set<String> classes(String word) {
        return classes.getOrDefault(word, Set.of());
    }

    /** The harm categories and their phrases (each a list of tokens). */
    public Map<String, List<List<String>>> harmPhrases() {
        return harmPhrases;
    }

    /** Every distinct word of every list (the designed vocabulary, before any text is generated). */
    public Set<String> allWords() {
        return new TreeSet<>(classes.keySet());
    }

    @Override
    public String toString() {
        return "ReviewLexicon" + Arrays.asList(products.size() + " categories", classes.size() + " words");
    }
}
