package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * What the store knows of a name's token (never the token itself, only its hash, which this does not carry).
 *
 * @param name the holder
 * @param role what the token allows
 * @param issuedAt when it was issued
 * @param expiresAt when it stops working, if ever
 * @param revokedAt when it was revoked, if it was
 */
public record TokenInfo(String name, Role role, Instant issuedAt, Optional<Instant> expiresAt, Optional<Instant> revokedAt) {
    public TokenInfo {
        requireNonNull(name, "name is null");
        requireNonNull(role, "role is null");
        requireNonNull(issuedAt, "issuedAt is null");
        requireNonNull(expiresAt, "expiresAt is null");
        requireNonNull(revokedAt, "revokedAt is null");
    }

    /** Whether the token works at {@code now}. */
    public Status status(Instant now) {
        if (revokedAt.isPresent()) {
            return Status.REVOKED;
        }
        return expiresAt.isPresent() && !now.isBefore(expiresAt.get()) ? Status.EXPIRED : Status.ACTIVE;
    }

    /** The holder and role. */
    public Annotator annotator() {
        return new Annotator(name, role);
    }

    /** Whether a token works. */
    public enum Status {
        /** It works. */
        ACTIVE,
        /** Its expiry has passed. */
        EXPIRED,
        /** It was revoked. */
        REVOKED;

        /** The status as the API and the page write it. */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
