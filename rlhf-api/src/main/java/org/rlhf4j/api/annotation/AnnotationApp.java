package org.rlhf4j.api.annotation;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The human annotation web app and its store, as the {@code rlhf annotate} verbs use it. A store is a
 * directory; every method opens it, does its work and closes it again, except {@link #serve}, which holds
 * it until the returned server is closed.
 */
public interface AnnotationApp {
    /**
     * Issues a fresh token to each of {@code names} (replacing any earlier token of that name), as an
     * annotator or, with {@code admin}, as an admin who sees progress and agreement.
     *
     * @return each name's token, in the order given; only a hash of it is stored
     */
    Map<String, String> issueTokens(Path store, List<String> names, boolean admin);

    /**
     * As {@link #issueTokens(Path, List, boolean)}, each token working until {@code expiresAt} when given (then refused
     * with 401 from the next request on; the holder's labels stay).
     *
     * @throws UnsupportedOperationException when the app has no token expiry (the default, for an expiry)
     */
    default Map<String, String> issueTokens(Path store, List<String> names, boolean admin, Optional<Instant> expiresAt) {
        if (expiresAt.isPresent()) {
            throw new UnsupportedOperationException("token expiry");
        }
        return issueTokens(store, names, admin);
    }

    /**
     * Revokes the tokens of {@code names}: a running app refuses them from the next request on; their labels stay.
     *
     * @return the names whose token this revoked (the others were revoked already)
     * @throws IllegalArgumentException when a name never had a token (then nothing is revoked)
     * @throws UnsupportedOperationException when the app cannot revoke tokens (the default)
     */
    default List<String> revokeTokens(Path store, List<String> names) {
        throw new UnsupportedOperationException("token revocation");
    }

    /**
     * Adds pairs to label from a JSON Lines file of {@code prompt}, {@code response_a}, {@code response_b}
     * (and an optional {@code id}); a pair already in the store is not added twice.
     *
     * @param annotatorsPerPair how many annotators label each pair (for agreement), empty to keep the store's
     * @return how many new pairs were added
     */
    int addPairs(Path store, Path pairsFile, Optional<Integer> annotatorsPerPair);

    /** Starts the web app on {@code host}:{@code port} (0 for any free port) over the store. */
    Server serve(Path store, String host, int port);

    /**
     * As {@link #serve(Path, String, int)}, over HTTPS with the PKCS12 {@code tlsKeystore} and its password when given;
     * plain HTTP on anything but loopback is refused unless {@code insecureHttp}.
     *
     * @throws IllegalArgumentException when plain HTTP is refused, or the keystore cannot be used
     * @throws UnsupportedOperationException when the app cannot serve HTTPS (the default)
     */
    default Server serve(Path store, String host, int port, Optional<Path> tlsKeystore, Optional<String> tlsPassword,
            boolean insecureHttp) {
        throw new UnsupportedOperationException("HTTPS and the plain-HTTP guard");
    }

    /**
     * Writes every label to {@code out} as preferences JSON Lines that the {@code human-dataset} source
     * reads, and the annotators' agreement to {@code agreementOut}.
     *
     * @return how many labels were written
     */
    long export(Path store, Path out, Path agreementOut);

    /**
     * As {@link #export(Path, Path, Path)}, also writing every change of the label history to {@code historyOut} when
     * given.
     *
     * @throws UnsupportedOperationException when the app keeps no history (the default, for a history file)
     */
    default long export(Path store, Path out, Path agreementOut, Optional<Path> historyOut) {
        if (historyOut.isPresent()) {
            throw new UnsupportedOperationException("the label history");
        }
        return export(store, out, agreementOut);
    }

    /**
     * Writes a consistent copy of the store to {@code target} (a new file), also while a server writes to it.
     *
     * @return how many label changes the copy holds
     * @throws UnsupportedOperationException when the app cannot back up (the default)
     */
    default long backup(Path store, Path target) {
        throw new UnsupportedOperationException("backups");
    }

    /**
     * Converts a public preference dataset ({@code format}: {@code trl}, {@code hh-rlhf}, {@code pku-saferlhf},
     * {@code ultrafeedback} or {@code auto}) to the preferences JSON Lines of {@link #export}, streaming.
     *
     * @param skipMalformed skip and count a malformed line instead of stopping at it
     * @return how many pairs were written and how many lines were skipped
     */
    ImportResult importDataset(Path dataset, String format, boolean skipMalformed, Path out);

    /** A running web app. */
    interface Server extends AutoCloseable {
        /** The port it listens on. */
        int port();

        /** Stops serving and closes the store. */
        @Override
        void close();
    }

    /**
     * What an import did.
     *
     * @param written pairs written
     * @param skipped malformed lines skipped
     */
    record ImportResult(long written, long skipped) {}

    /** The app on the class path, if a jar provides one. */
    static Optional<AnnotationApp> find() {
        return ServiceLoader.load(AnnotationApp.class, AnnotationApp.class.getClassLoader()).findFirst();
    }
}
