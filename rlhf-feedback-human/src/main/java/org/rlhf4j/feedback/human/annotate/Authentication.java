package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import io.javalin.http.Context;
import java.time.Duration;
import java.util.Optional;

/**
 * The check before every {@code /api/} request: the {@code Authorization: Bearer} token must belong to someone, be
 * neither revoked nor expired (decided on every request, against the store as it is now), and its holder must be
 * within their {@link RateLimit}. Otherwise the request ends here with 401 or 429 (with {@code Retry-After}) and
 * reads or changes nothing. The token itself is never logged or echoed.
 */
final class Authentication {
    private static final String CALLER = "rlhf4j.annotator";

    private final AnnotationStore store;
    private final RateLimiter limiter;

    Authentication(AnnotationStore store, RateLimiter limiter) {
        this.store = requireNonNull(store, "store is null");
        this.limiter = requireNonNull(limiter, "limiter is null");
    }

    /** The before-handler: sets the caller or refuses the request. */
    void check(Context ctx) {
        String header = ctx.header("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        if (token == null || token.isEmpty()) {
            throw new RequestException(401, "missing 'Authorization: Bearer <token>'");
        }
        Optional<TokenInfo> holder = store.tokenHolder(token);
        if (holder.isEmpty()) {
            throw new RequestException(401, "invalid token");
        }
        switch (holder.get().status(store.now())) {
            case REVOKED -> throw new RequestException(401, "this token was revoked; ask your team lead for a new one");
            case EXPIRED -> throw new RequestException(401, "this token expired at " + holder.get().expiresAt().orElseThrow()
                    + "; ask your team lead for a new one");
            case ACTIVE -> { }
        }
        Optional<Duration> wait = limiter.acquire(holder.get().name());
        if (wait.isPresent()) {
            long seconds = Math.max(1, (long) Math.ceil(wait.get().toMillis() / 1000.0));
            ctx.header("Retry-After", Long.toString(seconds));
            throw new RequestException(429, "too many requests from this token; retry after " + seconds + " s");
        }
        ctx.attribute(CALLER, holder.get().annotator());
    }

    /** The caller the check let through, if it did (for the request log). */
    static Optional<Annotator> known(Context ctx) {
        return Optional.ofNullable(ctx.attribute(CALLER));
    }

    /** The caller the check let through. */
    static Annotator caller(Context ctx) {
        Annotator caller = ctx.attribute(CALLER);
        if (caller == null) {
            throw new IllegalStateException("no authenticated caller on " + ctx.path());
        }
        return caller;
    }

    /** The caller, who must be an annotator (admins label nothing). */
    static Annotator annotator(Context ctx) {
        Annotator caller = caller(ctx);
        if (caller.role() != Role.ANNOTATOR) {
            throw new RequestException(403, "admin tokens do not label; use an annotator token");
        }
        return caller;
    }

    /** The caller, who must be an admin. */
    static Annotator admin(Context ctx) {
        Annotator caller = caller(ctx);
        if (caller.role() != Role.ADMIN) {
            throw new RequestException(403, "progress and agreement are for admin tokens");
        }
        return caller;
    }
}
