package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

/**
 * Someone holding a token.
 *
 * @param name their name, unique in the store
 * @param role what they may do
 */
public record Annotator(String name, Role role) {
    public Annotator {
        requireNonNull(name, "name is null");
        requireNonNull(role, "role is null");
    }
}
