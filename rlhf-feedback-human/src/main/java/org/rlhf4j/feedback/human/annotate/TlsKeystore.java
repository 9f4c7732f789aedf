package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The server's TLS key and certificate: a PKCS12 keystore file and its password. {@link #load} checks it before the
 * server binds, so a wrong password, a file without a private key or an expired certificate is a clear error, not a
 * failed handshake later.
 *
 * @param file the PKCS12 file ({@code keytool -genkeypair -storetype PKCS12}, or {@code openssl pkcs12 -export})
 * @param password its password (also the key's, as PKCS12 has it)
 */
public record TlsKeystore(Path file, String password) {
    public TlsKeystore {
        requireNonNull(file, "file is null");
        requireNonNull(password, "password is null");
    }

    @Override
    public String toString() {
        return "TlsKeystore[" + file + "]"; // never the password
    }

    /** The keystore, checked: it opens with the password and holds a private key whose certificate is valid now. */
    KeyStore load() {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("the TLS keystore " + file + " is not a file");
        }
        KeyStore keyStore;
        try (InputStream in = Files.newInputStream(file)) {
            keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, password.toCharArray());
        }
        catch (IOException e) {
            boolean wrongPassword = e.getCause() instanceof UnrecoverableKeyException;
            throw new IllegalArgumentException("cannot open the TLS keystore " + file + ": " + (wrongPassword
                    ? "wrong password" : "not a PKCS12 keystore, or a wrong password (" + e.getMessage() + ")"), e);
        }
        catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot open the TLS keystore " + file + ": " + e.getMessage(), e);
        }
        try {
            for (String alias : Collections.list(keyStore.aliases())) {
                if (keyStore.isKeyEntry(alias) && keyStore.getCertificate(alias) instanceof X509Certificate certificate) {
                    try {
                        certificate.checkValidity();
                    }
                    catch (CertificateExpiredException | CertificateNotYetValidException e) {
                        throw new IllegalArgumentException("the certificate '" + alias + "' in the TLS keystore " + file
                                + " is not valid now (valid " + certificate.getNotBefore().toInstant() + " to "
                                + certificate.getNotAfter().toInstant() + ")", e);
                    }
                    return keyStore;
                }
            }
        }
        catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the TLS keystore " + file + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("the TLS keystore " + file + " holds no private key with a certificate");
    }

    /** Jetty's TLS settings for this key: TLS 1.2 and 1.3 only, Jetty's default (strong) cipher suites. */
    SslContextFactory.Server contextFactory() {
        SslContextFactory.Server factory = new SslContextFactory.Server();
        factory.setKeyStore(load());
        factory.setKeyStorePassword(password);
        factory.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        return factory;
    }
}
