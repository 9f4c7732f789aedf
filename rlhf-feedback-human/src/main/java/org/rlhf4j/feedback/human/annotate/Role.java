package org.rlhf4j.feedback.human.annotate;

/** What a token lets its holder do. */
public enum Role {
    /** Labels the pairs assigned to them and reads only their own labels. */
    ANNOTATOR,
    /** Sees every annotator's progress and the agreement between them; labels nothing. */
    ADMIN
}
