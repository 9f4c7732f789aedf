package org.rlhf4j.tasks.reviews;

import static java.util.Objects.requireNonNull;

/**
 * A generated token and the grammar class it was drawn from: a word list name such as {@code product}
 * or {@code adjective}, or {@code =word} for a literal word of a sentence template.
 */
record Token(String text, String wordClass) {
    Token {
        requireNonNull(text, "text is null");
        requireNonNull(wordClass, "wordClass is null");
    }

    static Token literal(String text) {
        return new Token(text, "=" + text);
    }
}
