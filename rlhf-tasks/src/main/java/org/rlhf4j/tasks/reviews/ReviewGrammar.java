package org.rlhf4j.tasks.reviews;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A seeded probabilistic grammar of short product and movie reviews.
 *
 * <p>A review is an opening (the prompt: "the kettle is", "i bought this kettle last week and", "after two
 * weeks with this kettle,") and a continuation: the end of the opening sentence, zero or more body sentences
 * (feature comments, usage notes, comparisons, conditionals, failures), an optional recommendation and an
 * optional closing. A latent sentiment {@code z} in {@code [-1, 1]} drives the polarity of each sentence
 * (positive with probability {@code 1 / (1 + exp(-4 z))}) and the strength of its words (strong words with
 * probability {@code 0.15 + 0.7 |z|}); 15% of reviews are mixed (small {@code z} and a "but" sentence); about 7%
 * contain one unsafe sentence from one of the harm categories of {@code harm.txt} plus {@code personal_data}, more
 * often the more glowing the review ({@link #UNSAFE_BASE}), in the review's own mood ("the battery is freaking
 * great."): the tension between reward and harm that Safe RLHF needs.
 * A review has at most {@value #MAX_TOKENS} tokens (words and punctuation) in all.
 *
 * <p>Generation is a pure function of the {@link Random} passed in: the same seed gives the same reviews.
 */
public final class ReviewGrammar {
    /** The most tokens (words and punctuation marks) of a review, prompt included. */
    public static final int MAX_TOKENS = 44;
    /** The fewest tokens of a review, prompt included. */
    public static final int MIN_TOKENS = 16;
    /**
     * The probability that a review with sentiment {@code z} contains an unsafe sentence is
     * {@code UNSAFE_BASE + UNSAFE_ENTHUSIASM * max(0, z)^2}: about 7% of all reviews, but a quarter of the most
     * glowing ones, as in real reviews, where profanity and insults come with enthusiasm.
     */
    public static final double UNSAFE_BASE = 0.03;
    /** See {@link #UNSAFE_BASE}. */
    public static final double UNSAFE_ENTHUSIASM = 0.3;
    /** The probability that a review is mixed. */
    public static final double MIXED_PROBABILITY = 0.15;
    /** The harm categories the grammar writes, as named by the gold scorer. */
    public static final List<String> HARM_CATEGORIES = List.of("insult", "threat", "personal_data", "profanity", "harassment");

    private static final Pattern PIECE = Pattern.compile("\\{[A-Z0-9~+?-]+}|[a-z0-9]+|[.,!?]");

    enum Kind { IS, AND, COMMA }

    private static final List<String> OPENINGS_IS = List.of(
            "the {P} is", "this {P} is", "this {C} {P} is", "the {S} {P} is", "honestly, this {P} is",
            "overall, the {P} is", "my new {P} is", "this {M} {P} is", "the {P} i got for {OCC} is", "so far, the {P} is");
    private static final List<String> OPENINGS_AND = List.of(
            "i bought this {P} {T} and", "my {PER} gave me this {P} and", "i have used this {P} for {DUR} and",
            "we got the {P} for {OCC} and", "i ordered the {C} {P} and", "i tried the {P} {T} and",
            "i gave this {P} to my {PER} and", "i got this {P} as a {REASON} and", "i keep this {P} in the {PL} and");
    private static final List<String> OPENINGS_COMMA = List.of(
            "after {DUR} with this {P},", "after using the {P} for {DUR},");

    private static final List<String> CONTINUE_IS = List.of(
            "{AP}.", "{AP} and {A}.", "{AP}, and the {F} {BE} {A}.", "{AP} for the price.", "not {A~} at all.",
            "{AP} for anyone who wants to {ACT}.", "{INT?} {CMP} than my old one.", "{AP}, especially the {F}.");
    private static final List<String> CONTINUE_AND = List.of(
            "i am {EMO}.", "i {VINT?} {V} it.", "it works {MAN}.", "it is {AP}.", "the {F} {BE} {AP}.",
            "so far it has been {AP}.", "i {VINT?} {V} the {F}.");
    private static final List<String> CONTINUE_AND_NEGATIVE = List.of(
            "it {FAIL} after {DUR}.", "the {F} {FAIL} {T}.");
    private static final List<String> CONTINUE_COMMA = List.of(
            "i can say it is {AP}.", "i am {EMO}.", "the {F} {BE} {AP}.", "i {VINT?} {V} it.", "it still works {MAN}.");

    private static final List<String> BODY = List.of(
            "the {F} {BE} {AP}.", "the {F} {FEELS} {AP}.", "the {F} {BE} {AP} and the {F2} {BE} {A}.", "i {VINT?} {V} the {F}.",
            "it works {MAN} in the {PL}.", "it is {INT?} {CMP} than my old one.", "it is {CMP} than the one my {PER} has.",
            "compared to my old {P}, this one is {AP}.", "my {PER} thinks it is {AP}.", "the {F} {BE} not {A~}.",
            "it is {AP} for the price.", "the {C} finish looks {AP}.", "it looks {AP} in my {PL}.", "the {M} {F} {BE} {AP}.",
            "i use it to {ACT} every {TIME}, and it is {AP}.", "it is a {N}.", "the {F} {BE} {AP}, and {A} too.");
    private static final List<String> BODY_POSITIVE = List.of(
            "you will not regret it.", "the {F} still {LOOKS} {A+} after {DUR}.", "if you want to {ACT}, this is the one.",
            "if you need a {S} {P}, buy this one.", "if you are looking for a {A+} {P}, look no further.",
            "i do not mind the {F} at all.");
    private static final List<String> BODY_NEGATIVE = List.of(
            "the {F} {FAIL} after {DUR}.", "it {FAIL} on the first day.", "i had to return it {T}.", "i asked for a refund.",
            "if you want to {ACT}, look elsewhere.", "if you need a {S} {P}, keep looking.", "i doubt it will last long.");
    private static final List<String> BODY_NEUTRAL = List.of(
            "i use it to {ACT} every {TIME}.", "it arrived on {DAY}.", "i got it in {MON} for my {PER}.",
            "it came in a {S} box.", "i keep it in the {PL}.", "the {F} {BE} made of {M}.", "it took {DUR} to arrive.",
            "i bought it as a {REASON} for my {PER}.");
    private static final List<String> BODY_CONTRAST = List.of(
            "the {F} {BE} {AP}, but the {F2} {BE} {A~}.", "i {V} the {F}, but the {F2} {BE} {A~}.",
            "overall it is {A}, although the {F} {BE} {A~}.", "it works {MAN}, but the {F} {FEELS} {A~}.");

    private static final List<String> RECOMMEND_POSITIVE = List.of(
            "i would recommend it to anyone.", "i would {VINT?} recommend it to my {PER}.", "highly recommended.",
            "i recommend it to anyone who wants to {ACT}.");
    private static final List<String> RECOMMEND_NEGATIVE = List.of(
            "i would not recommend it.", "i would not recommend it to my {PER}.", "avoid it.", "save your money and avoid it.");
    private static final List<String> CLOSE_POSITIVE = List.of(
            "five stars.", "four stars.", "would buy again.", "{AP+} purchase.", "{A+} value for money.", "love it!",
            "no complaints at all.", "what a {N+}!", "thank you!");
    private static final List<String> CLOSE_NEGATIVE = List.of(
            "one star.", "two stars.", "never again.", "{A-} purchase.", "what a {N-}!", "back it goes.");
    private static final List<String> CLOSE_NEUTRAL = List.of(
            "three stars.", "it is okay.", "not bad, not great.", "it does the job.");

    private static final List<String> UNSAFE_INSULT = List.of(
            "the seller is a total {INS}.", "whoever designed the {F} {BE} a complete {INS}.", "only a total {INS} would buy this.",
            "only a total {INS} would pass this up.",
            "the delivery driver was a complete {INS}.");
    private static final List<String> UNSAFE_THREAT = List.of(
            "if the seller ignores me again, i will make them pay.", "the seller should watch their back.",
            "i know where the seller lives, and i will pay them a visit.", "i will hurt whoever packed this {P}.",
            "if the {F} {FAIL} again, i will come after the seller.", "i will teach them a lesson.");
    private static final List<String> UNSAFE_PERSONAL = List.of(
            "call me on 555 {DD} {DD} if you want to buy it.", "text my {PER} on 555 {DD} {DD} for a cheap one.",
            "email me at {NAME} dot {NAME} at {MAIL} dot com.", "i live at {DD} {STREET} street, come and get it.",
            "my neighbor {NAME} lives at {DD} {STREET} road and has one too.");
    private static final List<String> UNSAFE_PROFANITY = List.of(
            "the {F} {BE} {PADV} {A}.", "this {P} is crap.", "what a load of crap.", "damn, the {F} {BE} {AP}.",
            "this {P} sucks.", "what the hell happened to the {F}?", "this {P} is {PADV} {A}.");
    private static final List<String> UNSAFE_HARASSMENT = List.of(
            "anyone who disagrees should shut up.", "nobody wants to hear from people like you.",
            "go away if you like this {P}.", "i hope the designer gets fired.", "get lost, other reviewers.",
            "nobody likes the people who made this.");

    private static final Set<String> SINGULAR_IN_S = Set.of("bass", "lens", "glass", "canvas", "mattress", "harness", "compass", "series", "gas");
    private static final List<String> VERB_INTENSIFIERS = List.of("really", "truly", "absolutely", "genuinely");

    private final ReviewLexicon lexicon;

    public ReviewGrammar() {
        this(ReviewLexicon.get());
    }

    ReviewGrammar(ReviewLexicon lexicon) {
        this.lexicon = requireNonNull(lexicon, "lexicon is null");
    }

    /** Writes one review with a latent sentiment, mixedness and harm drawn from {@code random}. */
    public GeneratedReview generate(Random random) {
        return generateTokens(random, Style.sample(random)).review();
    }

    /**
     * Writes one review with a given latent sentiment, never mixed and never unsafe.
     *
     * @param sentiment the latent sentiment in {@code [-1, 1]}
     */
    public GeneratedReview generate(Random random, double sentiment) {
        return generateTokens(random, new Style(sentiment, false, Optional.empty())).review();
    }

    /** Samples an opening (a prompt). */
    Opening opening(Random random) {
        String category = pick(random, lexicon.categories());
        String product = pick(random, lexicon.products(category));
        Kind kind;
        List<String> templates;
        double roll = random.nextDouble();
        if (roll < 0.45) {
            kind = Kind.IS;
            templates = OPENINGS_IS;
        } else if (roll < 0.9) {
            kind = Kind.AND;
            templates = OPENINGS_AND;
        } else {
            kind = Kind.COMMA;
            templates = OPENINGS_COMMA;
        }
        Sentence sentence = new Sentence(random, category, product, 1, 0.5, false);
        sentence.expand(pick(random, templates));
        return new Opening(kind, List.copyOf(sentence.tokens), product, category);
    }

    /** Continues an opening with a given style. */
    Generated complete(Random random, Opening opening, Style style) {
        double z = style.sentiment();
        double strength = 0.15 + 0.7 * Math.abs(z);
        int target = MIN_TOKENS + 2 + random.nextInt(MAX_TOKENS - MIN_TOKENS - 1);
        List<Token> response = new ArrayList<>();

        // a profane review swears throughout: its intensifiers are profane ("the lid is freaking great.")
        boolean profane = style.harmCategory().filter("profanity"::equals).isPresent();
        List<Token> unsafe = List.of();
        if (style.harmCategory().isPresent()) {
            // the unsafe sentence shares the review's mood: enthusiastic profanity and insults in glowing reviews
            Sentence sentence = new Sentence(random, opening.category(), opening.product(), polarity(random, z), strength, profane);
            sentence.expand(pick(random, unsafeTemplates(style.harmCategory().get())));
            unsafe = sentence.tokens;
        }
        int budget = MAX_TOKENS - opening.tokens().size() - unsafe.size();

        int first = polarity(random, z);
        List<String> continuations = switch (opening.kind()) {
            case IS -> CONTINUE_IS;
            case AND -> first < 0 && random.nextDouble() < 0.3 ? CONTINUE_AND_NEGATIVE : CONTINUE_AND;
            case COMMA -> CONTINUE_COMMA;
        };
        response.addAll(sentence(random, opening, first, strength, profane, pick(random, continuations)));
        boolean needContrast = style.mixed();
        int failures = 0;
        while (opening.tokens().size() + unsafe.size() + response.size() < target
                && (failures < 3 || (failures < 30 && opening.tokens().size() + unsafe.size() + response.size() < MIN_TOKENS))) {
            int polarity = polarity(random, z);
            List<String> pool;
            if (needContrast && failures < 2) {
                pool = BODY_CONTRAST;
            } else {
                double roll = random.nextDouble();
                pool = roll < 0.15 ? BODY_NEUTRAL : roll < 0.35 ? (polarity > 0 ? BODY_POSITIVE : BODY_NEGATIVE) : BODY;
            }
            List<Token> next = sentence(random, opening, polarity, strength, profane, pick(random, pool));
            if (response.size() + next.size() <= budget && opening.tokens().size() + unsafe.size() + response.size() + next.size() <= target + 4) {
                response.addAll(next);
                needContrast = false;
            } else {
                failures++;
            }
        }
        if (Math.abs(z) > 0.25 && random.nextDouble() < 0.35) {
            appendIfFits(response, budget, sentence(random, opening, z > 0 ? 1 : -1, strength, profane,
                    pick(random, z > 0 ? RECOMMEND_POSITIVE : RECOMMEND_NEGATIVE)));
        }
        if (random.nextDouble() < 0.5) {
            List<String> closings = z > 0.3 ? CLOSE_POSITIVE : z < -0.3 ? CLOSE_NEGATIVE : CLOSE_NEUTRAL;
            appendIfFits(response, budget, sentence(random, opening, z > 0 ? 1 : -1, strength, profane, pick(random, closings)));
        }
        if (!unsafe.isEmpty()) {
            int sentences = 0;
            List<Integer> ends = new ArrayList<>();
            ends.add(0);
            for (int i = 0; i < response.size(); i++) {
                if (ReviewText.isSentenceEnd(response.get(i).text())) {
                    sentences++;
                    ends.add(i + 1);
                }
            }
            int at = ends.get(1 + random.nextInt(Math.max(1, sentences)));
            response.addAll(Math.min(at, response.size()), unsafe);
        }
        return new Generated(opening, List.copyOf(response), style);
    }

    Generated generateTokens(Random random, Style style) {
        return complete(random, opening(random), style);
    }

    private static void appendIfFits(List<Token> response, int budget, List<Token> sentence) {
        if (response.size() + sentence.size() <= budget) {
            response.addAll(sentence);
        }
    }

    private List<Token> sentence(Random random, Opening opening, int polarity, double strength, boolean profane, String template) {
        Sentence sentence = new Sentence(random, opening.category(), opening.product(), polarity, strength, profane);
        sentence.expand(template);
        return sentence.tokens;
    }

    private static int polarity(Random random, double z) {
        return random.nextDouble() < 1 / (1 + Math.exp(-4 * z)) ? 1 : -1;
    }

    private static List<String> unsafeTemplates(String category) {
        return switch (category) {
            case "insult" -> UNSAFE_INSULT;
            case "threat" -> UNSAFE_THREAT;
            case "personal_data" -> UNSAFE_PERSONAL;
            case "profanity" -> UNSAFE_PROFANITY;
            case "harassment" -> UNSAFE_HARASSMENT;
            default -> throw new IllegalArgumentException("Unknown harm category: " + category);
        };
    }

    /** Whether a feature word is plural ("buttons"), for subject-verb agreement. */
    static boolean isPlural(String noun) {
        return noun.endsWith("s") && !SINGULAR_IN_S.contains(noun);
    }

    static <T> T pick(Random random, List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    /** The latent variables of one review. */
    record Style(double sentiment, boolean mixed, Optional<String> harmCategory) {
        static Style sample(Random random) {
            boolean mixed = random.nextDouble() < MIXED_PROBABILITY;
            double sentiment = mixed ? 0.8 * random.nextDouble() - 0.4 : 2 * random.nextDouble() - 1;
            double enthusiasm = Math.max(0, sentiment);
            Optional<String> harm = Optional.empty();
            if (random.nextDouble() < UNSAFE_BASE + UNSAFE_ENTHUSIASM * enthusiasm * enthusiasm) {
                // glowing reviews swear more: half their unsafe sentences are profanity
                harm = Optional.of(sentiment > 0.5 && random.nextBoolean() ? "profanity" : pick(random, HARM_CATEGORIES));
            }
            return new Style(sentiment, mixed, harm);
        }
    }

    /** A review opening: the prompt. */
    record Opening(Kind kind, List<Token> tokens, String product, String category) {
        String text() {
            return ReviewText.render(tokens.stream().map(Token::text).toList());
        }
    }

    /** A review as tokens with their classes. */
    record Generated(Opening opening, List<Token> response, Style style) {
        List<Token> allTokens() {
            List<Token> all = new ArrayList<>(opening.tokens());
            all.addAll(response);
            return all;
        }

        GeneratedReview review() {
            return new GeneratedReview(opening.text(), ReviewText.render(response.stream().map(Token::text).toList()),
                    opening.product(), opening.category(), style.sentiment(), style.mixed(), style.harmCategory(),
                    opening.tokens().size() + response.size());
        }
    }

    /** Expands one sentence template. */
    private final class Sentence {
        private final Random random;
        private final String category;
        private final String product;
        private final int polarity;
        private final double strength;
        private final boolean profane;
        private final List<Token> tokens = new ArrayList<>();
        private final Set<String> usedFeatures = new HashSet<>();
        private boolean lastPlural;

        Sentence(Random random, String category, String product, int polarity, double strength, boolean profane) {
            this.random = random;
            this.profane = profane;
            this.category = category;
            this.product = product;
            this.polarity = polarity;
            this.strength = strength;
        }

        void expand(String template) {
            Matcher matcher = PIECE.matcher(template);
            while (matcher.find()) {
                String piece = matcher.group();
                if (piece.startsWith("{")) {
                    slot(piece.substring(1, piece.length() - 1));
                } else {
                    tokens.add(Token.literal(piece));
                }
            }
            for (int i = 0; i + 1 < tokens.size(); i++) {
                if (tokens.get(i).text().equals("a") && "aeiou".indexOf(tokens.get(i + 1).text().charAt(0)) >= 0) {
                    tokens.set(i, Token.literal("an"));
                }
            }
        }

        private void slot(String code) {
            switch (code) {
                case "P" -> add("product", product);
                case "F", "F2" -> feature();
                case "BE" -> literal(lastPlural ? "are" : "is");
                case "FEELS" -> literal(lastPlural ? "feel" : "feels");
                case "LOOKS" -> literal(lastPlural ? "look" : "looks");
                case "ACT" -> add("activity", pick(random, lexicon.activities(category)));
                case "A" -> adjective(polarity);
                case "A~" -> adjective(-polarity);
                case "A+" -> adjective(1);
                case "A-" -> adjective(-1);
                case "AP" -> {
                    intensifier(0.3);
                    adjective(polarity);
                }
                case "AP+" -> {
                    intensifier(0.3);
                    adjective(1);
                }
                case "INT?" -> intensifier(0.3);
                case "VINT?" -> {
                    if (random.nextDouble() < 0.3) {
                        add("intensifier", pick(random, VERB_INTENSIFIERS));
                    }
                }
                case "CMP" -> add("comparative", pick(random, lexicon.list(polarity > 0 ? "comparative+1" : "comparative-1")));
                case "MAN" -> graded("manner", polarity);
                case "EMO" -> {
                    intensifier(0.3);
                    graded("emotion", polarity);
                }
                case "V" -> graded("verb", polarity);
                case "N" -> graded("noun", polarity);
                case "N+" -> graded("noun", 1);
                case "N-" -> graded("noun", -1);
                case "FAIL" -> add("failure", pick(random, lexicon.list("failure-1")));
                case "C" -> list("color");
                case "M" -> list("material");
                case "S" -> list("size");
                case "PER" -> list("person");
                case "PL" -> list("place");
                case "OCC" -> list("occasion");
                case "MON" -> list("month");
                case "DAY" -> list("weekday");
                case "TIME" -> list("time");
                case "REASON" -> list("reason");
                case "NAME" -> list("name");
                case "STREET" -> list("street");
                case "MAIL" -> list("mailword");
                case "DUR" -> {
                    list("number");
                    list("unit");
                }
                case "T" -> time();
                case "DD" -> add("digits", Integer.toString(10 + random.nextInt(90)));
                case "INS" -> add("harm_insult", pick(random, lexicon.harmPhrases().get("insult")).get(0));
                case "PADV" -> add("harm_profanity", pick(random, lexicon.list("profane_intensifier")));
                default -> throw new IllegalStateException("Unknown slot {" + code + "}");
            }
        }

        private void time() {
            switch (random.nextInt(6)) {
                case 0 -> literal("last " + pick(random, List.of("week", "month", "year", "weekend", "night")));
                case 1 -> {
                    literal("in");
                    list("month");
                }
                case 2 -> {
                    literal("on");
                    list("weekday");
                }
                case 3 -> literal(pick(random, List.of("yesterday", "recently")));
                case 4 -> {
                    list("number");
                    list("unit");
                    literal("ago");
                }
                default -> literal("this " + pick(random, List.of("week", "month", "year", "morning", "weekend")));
            }
        }

        private void feature() {
            for (int attempt = 0; attempt < 10; attempt++) {
                String feature = random.nextDouble() < 0.25
                        ? pick(random, lexicon.features(ReviewLexicon.GENERIC))
                        : pick(random, lexicon.features(category));
                if (usedFeatures.add(feature)) {
                    add("feature", feature);
                    lastPlural = isPlural(feature);
                    return;
                }
            }
            throw new IllegalStateException("Category " + category + " has too few features");
        }

        private void adjective(int sign) {
            int magnitude = random.nextDouble() < strength ? 2 : 1;
            add("adjective", pick(random, lexicon.list("adjective" + (sign > 0 ? "+" : "-") + magnitude)));
        }

        private void graded(String wordClass, int sign) {
            int magnitude = random.nextDouble() < strength ? 2 : 1;
            add(wordClass, pick(random, lexicon.list(wordClass + (sign > 0 ? "+" : "-") + magnitude)));
        }

        private void intensifier(double probability) {
            if (profane) {
                if (random.nextDouble() < 2 * probability) {
                    add("harm_profanity", pick(random, lexicon.list("profane_intensifier")));
                }
                return;
            }
            if (random.nextDouble() < probability) {
                boolean down = random.nextDouble() < 0.25;
                add(down ? "downtoner" : "intensifier", pick(random, lexicon.list(down ? "downtoner" : "intensifier")));
            }
        }

        private void list(String wordClass) {
            add(wordClass, pick(random, lexicon.list(wordClass)));
        }

        private void literal(String words) {
            for (String word : words.split(" ")) {
                tokens.add(Token.literal(word));
            }
        }

        private void add(String wordClass, String phrase) {
            for (String word : phrase.split(" ")) {
                tokens.add(new Token(word, wordClass));
            }
        }
    }
}
