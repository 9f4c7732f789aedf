package org.rlhf4j.feedback.ai.http;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rlhf4j.api.feedback.Choice;

/**
 * Reads a judge model's verdict. Accepted, in order: an answer that is just {@code A}, {@code B} or
 * {@code tie} (any case, with punctuation); an MT-Bench verdict {@code [[A]]}, {@code [[B]]},
 * {@code [[C]]} or {@code [[tie]]}; a phrase such as "Response B is better" or "Verdict: tie". Anything else
 * is unparseable (a capital "A" inside prose is too easily an article to trust).
 */
public final class JudgeAnswerParser {
    private static final List<Pattern> PATTERNS = List.of(
            Pattern.compile("^\\W*(a|b|tie)\\W*$", Pattern.CASE_INSENSITIVE),
            Pattern.compile("\\[\\[(a|b|c|tie)]]", Pattern.CASE_INSENSITIVE),
            Pattern.compile("\\b(?:response|output|answer|assistant)\\s*\\(?([ab])\\)?(?![a-z])", Pattern.CASE_INSENSITIVE),
            Pattern.compile("\\bverdict\\W*(a|b|tie)\\b", Pattern.CASE_INSENSITIVE),
            Pattern.compile("^\\W*(tie|equal|neither|both)\\b", Pattern.CASE_INSENSITIVE));

    private JudgeAnswerParser() {}

    /** The verdict of {@code answer}, or empty when it cannot be read. */
    public static Optional<Choice> parse(String answer) {
        if (answer == null) {
            return Optional.empty();
        }
        for (Pattern pattern : PATTERNS) {
            Matcher matcher = pattern.matcher(answer.strip());
            if (matcher.find()) {
                return Optional.of(switch (matcher.group(1).toLowerCase(Locale.ROOT)) {
                    case "a" -> Choice.A;
                    case "b" -> Choice.B;
                    default -> Choice.TIE;
                });
            }
        }
        return Optional.empty();
    }
}
