package org.rlhf4j.feedback.human.annotate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.api.annotation.AnnotationApp;
import org.rlhf4j.feedback.human.dataset.PreferenceFormat;
import org.rlhf4j.feedback.human.dataset.PreferenceImporter;
import org.rlhf4j.feedback.human.dataset.PreferenceImporter.OnMalformed;
import org.rlhf4j.feedback.human.dataset.PreferenceLinesWriter;

/**
 * The annotation web app behind {@code rlhf annotate} (found by {@link java.util.ServiceLoader}).
 *
 * <p>Beyond the {@link AnnotationApp} seam it offers, with JDK types only so that the CLI can reach them without
 * compiling against this module: token expiry ({@link #issueTokens(Path, List, boolean, Optional)}) and
 * revocation ({@link #revokeTokens}), HTTPS and the plain-HTTP guard
 * ({@link #serve(Path, String, int, Optional, Optional, boolean)}), the label history in the export
 * ({@link #export(Path, Path, Path, Optional)}) and a consistent backup while serving ({@link #backup}).
 */
public final class HumanAnnotationApp implements AnnotationApp {
    @Override
    public Map<String, String> issueTokens(Path store, List<String> names, boolean admin) {
        return issueTokens(store, names, admin, Optional.empty());
    }

    /** As {@link #issueTokens(Path, List, boolean)}, each token working until {@code expiresAt} when given. */
    @Override
    public Map<String, String> issueTokens(Path store, List<String> names, boolean admin, Optional<Instant> expiresAt) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("name at least one annotator to issue a token to");
        }
        Map<String, String> tokens = new LinkedHashMap<>();
        try (AnnotationStore opened = AnnotationStore.open(store)) {
            for (String name : names) {
                tokens.put(name, opened.issueToken(name, admin ? Role.ADMIN : Role.ANNOTATOR, expiresAt));
            }
        }
        return tokens;
    }

    /**
     * Revokes the tokens of {@code names}: a running server refuses them from the next request on; their labels stay.
     *
     * @return the names whose token this revoked (the others were revoked already)
     * @throws IllegalArgumentException when a name never had a token (then nothing is revoked)
     */
    @Override
    public List<String> revokeTokens(Path store, List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("name at least one token holder to revoke");
        }
        try (AnnotationStore opened = AnnotationStore.open(store)) {
            List<String> known = opened.tokens().stream().map(TokenInfo::name).toList();
            for (String name : names) {
                if (!known.contains(name)) {
                    throw new IllegalArgumentException("no token was issued to '" + name + "' (holders: "
                            + String.join(", ", known) + ")");
                }
            }
            List<String> revoked = new ArrayList<>();
            for (String name : names) {
                if (opened.revokeToken(name)) {
                    revoked.add(name);
                }
            }
            return revoked;
        }
    }

    @Override
    public int addPairs(Path store, Path pairsFile, Optional<Integer> annotatorsPerPair) {
        if (!Files.isRegularFile(pairsFile)) {
            throw new IllegalArgumentException("pairs file " + pairsFile + " is not a file");
        }
        List<Pair> pairs = PairsFile.read(pairsFile);
        try (AnnotationStore opened = AnnotationStore.open(store)) {
            annotatorsPerPair.ifPresent(opened::setAnnotatorsPerPair);
            return opened.addPairs(pairs);
        }
    }

    @Override
    public Server serve(Path store, String host, int port) {
        return serve(store, host, port, Optional.empty(), Optional.empty(), false);
    }

    /**
     * Serves HTTPS with the PKCS12 {@code tlsKeystore} (and its password) when given, else plain HTTP, which is
     * refused on an address other than loopback unless {@code insecureHttp}.
     *
     * @throws IllegalArgumentException when plain HTTP is refused, or the keystore cannot be used
     */
    @Override
    public Server serve(Path store, String host, int port, Optional<Path> tlsKeystore, Optional<String> tlsPassword,
            boolean insecureHttp) {
        if (tlsKeystore.isPresent() != tlsPassword.isPresent()) {
            throw new IllegalArgumentException(tlsKeystore.isPresent() ? "the TLS keystore's password is missing"
                    : "a TLS keystore password was given without a keystore");
        }
        Optional<TlsKeystore> tls = tlsKeystore.map(file -> new TlsKeystore(file, tlsPassword.orElseThrow()));
        ServerOptions options = new ServerOptions(host, port, tls, insecureHttp, RateLimit.DEFAULT);
        options.checkBind();
        tls.ifPresent(TlsKeystore::load);
        AnnotationStore opened = AnnotationStore.open(store);
        try {
            return AnnotationServer.start(opened, options);
        }
        catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    @Override
    public long export(Path store, Path out, Path agreementOut) {
        return export(store, out, agreementOut, Optional.empty());
    }

    /** As {@link #export(Path, Path, Path)}, also writing every change of the label history to {@code historyOut}. */
    @Override
    public long export(Path store, Path out, Path agreementOut, Optional<Path> historyOut) {
        if (!Files.isRegularFile(AnnotationStore.databaseFile(store))) {
            throw new IllegalArgumentException("no annotation store at " + store + " (no " + AnnotationStore.FILE
                    + " in it, and it is not a store file)");
        }
        try (AnnotationStore opened = AnnotationStore.open(store)) {
            long labels = AnnotationExport.export(opened, out, agreementOut);
            historyOut.ifPresent(file -> AnnotationExport.exportHistory(opened, file));
            return labels;
        }
    }

    /**
     * Writes a consistent copy of the store to {@code target} (a new file), also while a server writes to it; the
     * copy opens as a store ({@code --store FILE}).
     *
     * @return how many label changes the copy holds
     */
    @Override
    public long backup(Path store, Path target) {
        return StoreBackup.backup(store, target).changes();
    }

    @Override
    public ImportResult importDataset(Path dataset, String format, boolean skipMalformed, Path out) {
        if (!Files.isRegularFile(dataset)) {
            throw new IllegalArgumentException("dataset " + dataset + " is not a file");
        }
        PreferenceImporter importer = new PreferenceImporter(PreferenceFormat.of(format),
                skipMalformed ? OnMalformed.SKIP : OnMalformed.ERROR);
        PreferenceImporter.Result result;
        try (PreferenceLinesWriter writer = new PreferenceLinesWriter(out)) {
            result = importer.read(dataset, label -> writer.write(label, JsonNodeFactory.instance.objectNode()
                    .put("source_line", label.line())));
            writer.finish();
        }
        return new ImportResult(result.imported(), result.skipped());
    }
}
