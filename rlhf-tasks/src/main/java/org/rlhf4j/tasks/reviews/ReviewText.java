package org.rlhf4j.tasks.reviews;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How review texts are split into tokens and joined back: lower-case words and numbers, and the
 * punctuation marks {@code . , ! ?} as tokens of their own. A special token such as {@code <unk>} stays one
 * token; any other character is a token by itself.
 *
 * <p>This module cannot depend on rlhf4j's word-level tokenizer (rlhf-algorithms), so the rule is written
 * here again. On review texts (no apostrophes, hyphens or decimal numbers) it gives exactly the
 * tokenizer's tokens: rlhf-algorithms' {@code TestSplittingAgreesWithTasks} checks it on 5,000 corpus
 * reviews, every prompt and 200 demonstrations. The tokenizer differs on {@code isn't}, {@code well-made}
 * and {@code 3.5}, which it keeps whole.
 */
public final class ReviewText {
    private static final Pattern TOKEN = Pattern.compile("<[a-z_]+>|[a-z0-9]+|[^\\sa-z0-9]");

    private ReviewText() {}

    /** Splits a text into tokens, lower-casing it first. */
    public static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(text.toLowerCase(java.util.Locale.ROOT));
        while (matcher.find()) {
            tokens.add(matcher.group());
        }
        return tokens;
    }

    /** Returns true for the punctuation tokens that attach to the word before them. */
    public static boolean isPunctuation(String token) {
        return token.length() == 1 && ".,!?'".indexOf(token.charAt(0)) >= 0;
    }

    /** Returns true for the tokens that end a sentence. */
    public static boolean isSentenceEnd(String token) {
        return token.equals(".") || token.equals("!") || token.equals("?");
    }

    /** Joins tokens with single spaces, attaching punctuation to the token before it. */
    public static String render(List<String> tokens) {
        StringBuilder text = new StringBuilder();
        for (String token : tokens) {
            if (!text.isEmpty() && !isPunctuation(token)) {
                text.append(' ');
            }
            text.append(token);
        }
        return text.toString();
    }
}
