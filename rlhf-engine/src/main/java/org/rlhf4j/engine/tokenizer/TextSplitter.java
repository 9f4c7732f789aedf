package org.rlhf4j.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into word and punctuation tokens, and joins tokens back into natural-looking text.
 *
 * <p>A word is a run of letters and digits, optionally joined by an apostrophe or hyphen followed by
 * more letters or digits ({@code don't}, {@code well-made}, {@code 4k}); a number may contain
 * {@code .}, {@code ,} or {@code :} between digits ({@code 3.5}, {@code 1,000}, {@code 10:30}). Every
 * other non-space character is a token of its own ({@code ,}, {@code .}, {@code !}, {@code "},
 * {@code $}). A special token written as text ({@code <unk>}, {@code <eos>}: lower-case letters and
 * {@code _} in angle brackets) stays one token, so decoded text re-encodes to the same ids.
 */
public final class TextSplitter {
    /** The token pattern (also the {@code Split} pre-tokenizer of {@link WordTokenizer#toHuggingFaceJson()}). */
    static final String PATTERN = "<[a-z_]+>|\\p{N}+(?:[.,:]\\p{N}+)+|[\\p{L}\\p{N}]+(?:['\u2019\\-][\\p{L}\\p{N}]+)*|[^\\s\\p{L}\\p{N}]";
    private static final Pattern TOKEN = Pattern.compile(PATTERN);
    private static final String NO_SPACE_BEFORE = ".,!?;:)]}%\u2019\u2026";
    private static final String NO_SPACE_AFTER = "([{$#\u2018";

    private final boolean lowercase;

    /** @param lowercase whether words are lower-cased (with {@link Locale#ROOT}) before lookup */
    public TextSplitter(boolean lowercase) {
        this.lowercase = lowercase;
    }

    public boolean lowercase() {
        return lowercase;
    }

    /** Splits {@code text} into tokens, lower-casing them if so configured. */
    public List<String> split(String text) {
        String source = lowercase ? text.toLowerCase(Locale.ROOT) : text;
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(source);
        while (m.find()) {
            tokens.add(m.group());
        }
        return tokens;
    }

    /**
     * Joins tokens with single spaces, re-attaching punctuation: no space before closing marks
     * ({@code . , ! ? ; : ) ] } %}), none after opening marks ({@code ( [ { $ #}), and straight double
     * quotes alternate between opening and closing. {@code "great phone , works well ."} becomes
     * {@code "great phone, works well."}.
     */
    public static String join(List<String> tokens) {
        StringBuilder out = new StringBuilder();
        boolean glueNext = true; // no space before the first token
        boolean insideQuote = false;
        for (String token : tokens) {
            boolean single = token.length() == 1;
            boolean quote = single && token.charAt(0) == '"';
            boolean closing = single && NO_SPACE_BEFORE.indexOf(token.charAt(0)) >= 0;
            boolean glueBefore = glueNext || closing || (quote && insideQuote);
            if (!glueBefore) {
                out.append(' ');
            }
            out.append(token);
            if (quote) {
                glueNext = !insideQuote; // an opening quote glues to the next word
                insideQuote = !insideQuote;
            } else {
                glueNext = single && NO_SPACE_AFTER.indexOf(token.charAt(0)) >= 0;
            }
        }
        return out.toString();
    }
}
